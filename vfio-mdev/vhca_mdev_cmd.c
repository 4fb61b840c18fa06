// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PVRDMA command channel (spec section 8): one command at a time, run
 * synchronously inside the guest's REQUEST write. The request is copied
 * out of guest memory once and only that copy is looked at; the whole
 * response is written before vector 0 fires. This file holds the
 * dispatcher and the port, context, PD and GID commands; the queue and
 * memory objects are in vhca_mdev_cmd_objs.c.
 */
#include <linux/nospec.h>
#include <linux/slab.h>

#include "vhca_mdev.h"
#include "vhca_mdev_cmd.h"

#define PVRDMA_PORT_ACTIVE	4
#define PVRDMA_PHYS_LINK_UP	5
#define PVRDMA_MTU_1024		3
#define PVRDMA_MTU_4096		5

static int cmd_query_port(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_port *r = req;
	struct pvrdma_port_attr *a = resp;

	if (r->port_num != 1)
		return -EINVAL;
	a->state = cpu_to_le32(PVRDMA_PORT_ACTIVE);
	a->max_mtu = cpu_to_le32(PVRDMA_MTU_4096);
	a->active_mtu = cpu_to_le32(PVRDMA_MTU_1024);
	a->gid_tbl_len = cpu_to_le32(VHCA_MDEV_GIDS);
	a->max_msg_sz = cpu_to_le32(0x80000000);
	a->pkey_tbl_len = cpu_to_le16(1);
	a->active_width = 2;		/* 4X */
	a->active_speed = 4;		/* QDR */
	a->phys_state = PVRDMA_PHYS_LINK_UP;
	return 0;
}

static int cmd_query_pkey(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_port *r = req;
	__le16 *pkey = resp;

	if (r->port_num != 1 || r->index != 0)
		return -EINVAL;
	*pkey = cpu_to_le16(0xffff);
	return 0;
}

static void vhca_mdev_uctx_release(struct vhca_obj *obj)
{
	kfree(container_of(obj, struct vhca_mdev_uctx, uctx.obj));
}

/* The UAR page a context's doorbells use, from the frame the guest gave. */
static int vhca_mdev_uar_index(struct vhca_mdev *vm, u64 pfn, u32 *index)
{
	u64 base = vhca_pci_config_bar_addr(&vm->cfg, &vm->desc,
					    PVRDMA_BAR_UAR) >> PAGE_SHIFT;
	u64 pages = vm->desc.bars[PVRDMA_BAR_UAR].size >> PAGE_SHIFT;
	struct vhca_mdev_uctx *other;
	struct vhca_obj *obj;
	unsigned long h;

	/* Page 0 belongs to the guest kernel. */
	if (pfn <= base || pfn - base >= pages)
		return -EINVAL;
	*index = pfn - base;
	xa_for_each(&vm->fn->objs[VHCA_OBJ_UCTX], h, obj) {
		other = container_of(obj, struct vhca_mdev_uctx, uctx.obj);
		if (other->uar_index == *index)
			return -EBUSY;
	}
	return 0;
}

static int cmd_create_uc(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_create_uc *r = req;
	struct vhca_mdev_uctx *uc;
	__le32 *handle = resp;
	int ret;

	uc = kzalloc(sizeof(*uc), GFP_KERNEL);
	if (!uc)
		return -ENOMEM;
	ret = vhca_mdev_uar_index(vm, le64_to_cpu(r->pfn64), &uc->uar_index);
	if (!ret)
		ret = vhca_uctx_create(vm->fn, &uc->uctx, vhca_mdev_uctx_release);
	if (ret) {
		kfree(uc);
		return ret;
	}
	*handle = cpu_to_le32(uc->uctx.obj.handle);
	return 0;
}

/**
 * vhca_mdev_uar_page_of() - the doorbell page of a user context
 * @vm:   the instance
 * @uctx: context handle, 0 for the guest kernel (page 0)
 * @page: the BAR2 page index
 *
 * Return: 0 or -ENOENT.
 */
int vhca_mdev_uar_page_of(struct vhca_mdev *vm, u32 uctx, u32 *page)
{
	struct vhca_obj *obj;

	*page = 0;
	if (!uctx)
		return 0;
	obj = vhca_obj_lookup(vm->fn, VHCA_OBJ_UCTX, uctx);
	if (!obj)
		return -ENOENT;
	*page = container_of(obj, struct vhca_mdev_uctx, uctx.obj)->uar_index;
	vhca_obj_put(obj);
	return 0;
}

static void vhca_mdev_pd_release(struct vhca_obj *obj)
{
	kfree(container_of(obj, struct vhca_pd, obj));
}

static int cmd_create_pd(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_handle *r = req;
	struct vhca_pd *pd;
	__le32 *handle = resp;
	int ret;

	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return -ENOMEM;
	ret = vhca_pd_create(vm->fn, pd, le32_to_cpu(r->handle),
			     vhca_mdev_pd_release);
	if (ret) {
		kfree(pd);
		return ret;
	}
	*handle = cpu_to_le32(pd->obj.handle);
	return 0;
}

static int cmd_destroy(struct vhca_mdev *vm, enum vhca_obj_kind kind,
		       const void *req)
{
	const struct pvrdma_req_handle *r = req;

	return vhca_obj_destroy(vm->fn, kind, le32_to_cpu(r->handle));
}

static int cmd_destroy_uc(struct vhca_mdev *vm, const void *req, void *resp)
{
	return cmd_destroy(vm, VHCA_OBJ_UCTX, req);
}

static int cmd_destroy_pd(struct vhca_mdev *vm, const void *req, void *resp)
{
	return cmd_destroy(vm, VHCA_OBJ_PD, req);
}

static int cmd_destroy_mr(struct vhca_mdev *vm, const void *req, void *resp)
{
	return cmd_destroy(vm, VHCA_OBJ_MR, req);
}

static int cmd_destroy_cq(struct vhca_mdev *vm, const void *req, void *resp)
{
	return cmd_destroy(vm, VHCA_OBJ_CQ, req);
}

static int cmd_destroy_srq(struct vhca_mdev *vm, const void *req, void *resp)
{
	return cmd_destroy(vm, VHCA_OBJ_SRQ, req);
}

static int cmd_destroy_qp(struct vhca_mdev *vm, const void *req, void *resp)
{
	/* events_reported stays 0: the response is zero-filled. */
	return cmd_destroy(vm, VHCA_OBJ_QP, req);
}

static int cmd_create_bind(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_create_bind *r = req;
	u32 index = le32_to_cpu(r->index);
	struct vhca_mdev_gid *gid;

	if (index >= VHCA_MDEV_GIDS ||
	    (r->gid_type != PVRDMA_GID_TYPE_ROCE_V1 &&
	     r->gid_type != PVRDMA_GID_TYPE_ROCE_V2))
		return -EINVAL;
	gid = &vm->gids[array_index_nospec(index, VHCA_MDEV_GIDS)];
	memcpy(gid->gid, r->new_gid, sizeof(gid->gid));
	gid->type = r->gid_type;
	gid->valid = true;
	vhca_gid_set(vm->fn, index, gid->gid);
	return 0;
}

static int cmd_destroy_bind(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_destroy_bind *r = req;
	u32 index = le32_to_cpu(r->index);
	struct vhca_mdev_gid *gid;

	if (index >= VHCA_MDEV_GIDS)
		return -EINVAL;
	gid = &vm->gids[array_index_nospec(index, VHCA_MDEV_GIDS)];
	if (!gid->valid || memcmp(gid->gid, r->dest_gid, sizeof(gid->gid)))
		return -ENOENT;
	memset(gid, 0, sizeof(*gid));
	vhca_gid_set(vm->fn, index, NULL);
	vhca_function_quiesce();	/* no send still routes to it */
	return 0;
}

static int (* const vhca_mdev_cmds[PVRDMA_CMD_COUNT])(struct vhca_mdev *vm,
							const void *req,
							void *resp) = {
	[PVRDMA_CMD_QUERY_PORT] = cmd_query_port,
	[PVRDMA_CMD_QUERY_PKEY] = cmd_query_pkey,
	[PVRDMA_CMD_CREATE_PD] = cmd_create_pd,
	[PVRDMA_CMD_DESTROY_PD] = cmd_destroy_pd,
	[PVRDMA_CMD_CREATE_MR] = vhca_mdev_cmd_create_mr,
	[PVRDMA_CMD_DESTROY_MR] = cmd_destroy_mr,
	[PVRDMA_CMD_CREATE_CQ] = vhca_mdev_cmd_create_cq,
	[PVRDMA_CMD_DESTROY_CQ] = cmd_destroy_cq,
	[PVRDMA_CMD_CREATE_QP] = vhca_mdev_cmd_create_qp,
	[PVRDMA_CMD_MODIFY_QP] = vhca_mdev_cmd_modify_qp,
	[PVRDMA_CMD_QUERY_QP] = vhca_mdev_cmd_query_qp,
	[PVRDMA_CMD_DESTROY_QP] = cmd_destroy_qp,
	[PVRDMA_CMD_CREATE_UC] = cmd_create_uc,
	[PVRDMA_CMD_DESTROY_UC] = cmd_destroy_uc,
	[PVRDMA_CMD_CREATE_BIND] = cmd_create_bind,
	[PVRDMA_CMD_DESTROY_BIND] = cmd_destroy_bind,
	[PVRDMA_CMD_CREATE_SRQ] = vhca_mdev_cmd_create_srq,
	[PVRDMA_CMD_MODIFY_SRQ] = vhca_mdev_cmd_modify_srq,
	[PVRDMA_CMD_QUERY_SRQ] = vhca_mdev_cmd_query_srq,
	[PVRDMA_CMD_DESTROY_SRQ] = cmd_destroy_srq,
	/* RESIZE_CQ: never sent by the 6.1 driver; refused as unknown. */
};

/**
 * vhca_mdev_cmd_execute() - run the command in the guest's command slot
 * @vm: an active instance
 *
 * Sets ERR to 0 or a positive errno. A slot the device cannot read or
 * write puts the instance in the fatal state.
 *
 * Context: caller holds &vhca_mdev.lock.
 */
void vhca_mdev_cmd_execute(struct vhca_mdev *vm)
{
	u8 req[PVRDMA_CMD_SLOT_SIZE], resp[PVRDMA_RESP_SLOT_SIZE] = { };
	struct pvrdma_cmd_hdr *hdr = (void *)req;
	struct pvrdma_resp_hdr *rhdr = (void *)resp;
	u32 cmd;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (vhca_mdev_dma_read(vm, vm->cmd_slot, req, sizeof(req))) {
		vhca_mdev_fatal(vm, "command slot unreadable");
		return;
	}
	cmd = le32_to_cpu(hdr->cmd);
	ret = -EOPNOTSUPP;
	if (cmd < PVRDMA_CMD_COUNT && vhca_mdev_cmds[cmd])
		ret = vhca_mdev_cmds[array_index_nospec(cmd, PVRDMA_CMD_COUNT)]
			(vm, req + sizeof(*hdr), resp + sizeof(*rhdr));
	rhdr->response = hdr->response;
	rhdr->ack = cpu_to_le32(cmd | PVRDMA_RESP_ACK);
	rhdr->err = ret ? min(-ret, 255) : 0;
	if (ret) {
		/* A failed command leaves no partial response payload. */
		memset(resp + sizeof(*rhdr), 0, sizeof(resp) - sizeof(*rhdr));
		vm->counters.command_errors++;
		dev_dbg_ratelimited(vm->vdev.dev, "command %u failed: %d\n",
				    cmd, ret);
	}
	vm->counters.commands++;
	if (vhca_mdev_dma_write(vm, vm->resp_slot, resp, sizeof(resp))) {
		vhca_mdev_fatal(vm, "response slot unwritable");
		return;
	}
	vm->err = ret ? -ret : 0;
	vhca_mdev_raise(vm, PVRDMA_VECTOR_RESPONSE);
}
