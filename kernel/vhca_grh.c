// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 40 bytes a UD or GSI receive keeps in front of the payload. For RoCE
 * v2 they hold the network header the packet would have carried: an IPv6
 * header for IPv6 GIDs, or 20 zero bytes and an IPv4 header (with a valid
 * checksum: the IB core verifies it) for IPv4-mapped GIDs. rdma_cm reads
 * the peer's address from here when it answers a connection request.
 */
#include <linux/in.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "vhca_internal.h"

#define VHCA_ROCE_UDP_BTH_DETH	(8 + 12 + 8)	/* UDP, BTH, DETH */

static bool vhca_gid_is_v4(const u8 *gid)
{
	static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(gid, prefix, sizeof(prefix));
}

/**
 * vhca_grh_build() - the network header of a datagram, as received
 * @grh:      %VHCA_GRH_BYTES output bytes
 * @sgid:     sender's GID
 * @dgid:     receiver's GID
 * @av:       sender's address vector (hop limit, traffic class, flow)
 * @payload:  message bytes
 *
 * Return: the verbs network header type of the result: 1 IPv4, 2 IPv6.
 */
u8 vhca_grh_build(u8 *grh, const u8 *sgid, const u8 *dgid,
		  const struct vhca_av *av, u32 payload)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)grh;
	struct iphdr *ip4 = (struct iphdr *)(grh + 20);
	u8 hop = av->hop_limit ? av->hop_limit : 64;

	memset(grh, 0, VHCA_GRH_BYTES);
	if (vhca_gid_is_v4(sgid) && vhca_gid_is_v4(dgid)) {
		ip4->version = 4;
		ip4->ihl = 5;
		ip4->tos = av->traffic_class;
		ip4->tot_len = htons(sizeof(*ip4) + VHCA_ROCE_UDP_BTH_DETH +
				     payload);
		ip4->frag_off = htons(IP_DF);
		ip4->ttl = hop;
		ip4->protocol = IPPROTO_UDP;
		memcpy(&ip4->saddr, sgid + 12, 4);
		memcpy(&ip4->daddr, dgid + 12, 4);
		ip4->check = ip_fast_csum((u8 *)ip4, ip4->ihl);
		return 1;
	}
	ip6->version = 6;
	ip6->priority = av->traffic_class >> 4;
	ip6->flow_lbl[0] = (av->traffic_class & 0xf) << 4 |
			   ((av->flow_label >> 16) & 0xf);
	ip6->flow_lbl[1] = av->flow_label >> 8;
	ip6->flow_lbl[2] = av->flow_label;
	ip6->payload_len = htons(VHCA_ROCE_UDP_BTH_DETH + payload);
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = hop;
	memcpy(&ip6->saddr, sgid, 16);
	memcpy(&ip6->daddr, dgid, 16);
	return 2;
}
