// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device-to-guest signalling: MSI-X vectors with the IMR mask and the ICR
 * latch, and the two device rings of the DSR (async events on vector 1,
 * CQ notifications on vector 2). The device keeps its own producer index;
 * the guest's consumer index is re-read and checked every time.
 */
#include "vhca_mdev.h"

/**
 * vhca_mdev_raise() - signal MSI-X @vector, or latch it while masked
 * @vm:     the instance
 * @vector: PVRDMA_VECTOR_*
 *
 * Context: any; takes &vhca_mdev.irq_lock.
 */
void vhca_mdev_raise(struct vhca_mdev *vm, unsigned int vector)
{
	unsigned long flags;

	if (vector >= PVRDMA_MSIX_VECTORS)
		return;
	spin_lock_irqsave(&vm->irq_lock, flags);
	if (vm->imr & BIT(vector))
		vm->icr |= BIT(vector);
	else if (vm->msix_trigger[vector])
		vhca_compat_eventfd_signal(vm->msix_trigger[vector]);
	spin_unlock_irqrestore(&vm->irq_lock, flags);
}

/**
 * vhca_mdev_imr_write() - the guest wrote IMR; deliver what it unmasked
 * @vm:  the instance
 * @imr: new mask
 *
 * Context: any; takes &vhca_mdev.irq_lock.
 */
void vhca_mdev_imr_write(struct vhca_mdev *vm, u32 imr)
{
	unsigned int v;
	u32 pending;

	spin_lock_irq(&vm->irq_lock);
	vm->imr = imr;
	pending = vm->icr & ~imr;
	vm->icr &= imr;
	spin_unlock_irq(&vm->irq_lock);
	for (v = 0; v < PVRDMA_MSIX_VECTORS; v++)
		if (pending & BIT(v))
			vhca_mdev_raise(vm, v);
}

/**
 * vhca_mdev_dev_ring_init() - pin a device ring described in the DSR
 * @vm:   the instance
 * @ring: filled in
 * @desc: the DSR's page count and directory
 * @elem: element size
 *
 * Context: caller holds &vhca_mdev.lock.
 * Return: 0, -EINVAL for a page count outside 2..511 or a bad directory,
 * or the pinning error.
 */
int vhca_mdev_dev_ring_init(struct vhca_mdev *vm,
			    struct vhca_mdev_dev_ring *ring,
			    const struct pvrdma_ring_pages *desc, u32 elem)
{
	u32 npages = le32_to_cpu(desc->num_pages);
	struct vhca_mdev_pages *pages;

	/* CVE-2021-3607 (0 pages), CVE-2023-1544 (beyond one table). */
	if (npages < 2 || npages > PVRDMA_PDIR_ENTRIES - 1)
		return -EINVAL;
	pages = vhca_mdev_pdir_pin(vm, le64_to_cpu(desc->pdir_dma), npages,
				   NULL, NULL);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	spin_lock_irq(&vm->event_lock);
	ring->pages = pages;
	ring->elem = elem;
	ring->tail = 0;
	pvrdma_ring_geom_init(&ring->geom, (npages - 1) * PAGE_SIZE / elem);
	spin_unlock_irq(&vm->event_lock);
	return 0;
}

/**
 * vhca_mdev_dev_ring_release() - unpin a device ring
 * @vm:   the instance
 * @ring: the ring (may be unset)
 *
 * Context: process; the caller has stopped the data path of the instance.
 */
void vhca_mdev_dev_ring_release(struct vhca_mdev *vm,
				struct vhca_mdev_dev_ring *ring)
{
	struct vhca_mdev_pages *pages;

	spin_lock_irq(&vm->event_lock);
	pages = ring->pages;
	ring->pages = NULL;
	spin_unlock_irq(&vm->event_lock);
	vhca_mdev_pages_release(vm, pages);
}

/*
 * Append one element. A full ring drops the element: the guest stopped
 * consuming, and overwriting unread entries would be worse.
 */
static bool vhca_mdev_dev_ring_post(struct vhca_mdev_dev_ring *ring,
				    const void *elem)
{
	struct pvrdma_ring state;
	u32 head, slot;

	if (!ring->pages || !ring->pages->npages)
		return false;
	if (vhca_mdev_pages_rw(ring->pages, PVRDMA_RING_STATE_RX, &state,
			       sizeof(state), false))
		return false;
	head = le32_to_cpu(state.cons_head);
	if (!pvrdma_idx_valid(&ring->geom, head) ||
	    pvrdma_ring_used(&ring->geom, ring->tail, head) >= ring->geom.slots)
		return false;
	slot = pvrdma_idx_slot(&ring->geom, ring->tail);
	if (vhca_mdev_pages_rw(ring->pages, PAGE_SIZE + (u64)slot * ring->elem,
			       (void *)elem, ring->elem, true))
		return false;
	ring->tail = pvrdma_idx_inc(&ring->geom, ring->tail);
	/* The element must be visible before the index that publishes it. */
	smp_wmb();
	state.prod_tail = cpu_to_le32(ring->tail);
	return !vhca_mdev_pages_rw(ring->pages, PVRDMA_RING_STATE_RX,
				   &state.prod_tail, sizeof(state.prod_tail),
				   true);
}

/**
 * vhca_mdev_async_event() - post an async event and raise vector 1
 * @vm:   the instance
 * @type: event type (the verbs enum ib_event_type values)
 * @info: object handle, or the port number for port events
 *
 * Context: any process context; takes &vhca_mdev.event_lock.
 */
void vhca_mdev_async_event(struct vhca_mdev *vm, u32 type, u32 info)
{
	__le32 eqe[2] = { cpu_to_le32(type), cpu_to_le32(info) };
	unsigned long flags;
	bool posted;

	if (READ_ONCE(vm->state) != VHCA_MDEV_ACTIVE)
		return;
	spin_lock_irqsave(&vm->event_lock, flags);
	posted = vhca_mdev_dev_ring_post(&vm->async_ring, eqe);
	spin_unlock_irqrestore(&vm->event_lock, flags);
	if (posted)
		vhca_mdev_raise(vm, PVRDMA_VECTOR_ASYNC);
}

/**
 * vhca_mdev_cq_notify() - post a CQ notification and raise vector 2
 * @vm:        the instance
 * @cq_handle: the CQ whose armed event fired
 *
 * Context: any process context; takes &vhca_mdev.event_lock.
 */
void vhca_mdev_cq_notify(struct vhca_mdev *vm, u32 cq_handle)
{
	__le32 cqne = cpu_to_le32(cq_handle);
	unsigned long flags;
	bool posted;

	spin_lock_irqsave(&vm->event_lock, flags);
	posted = vhca_mdev_dev_ring_post(&vm->cq_ring, &cqne);
	spin_unlock_irqrestore(&vm->event_lock, flags);
	if (posted)
		vhca_mdev_raise(vm, PVRDMA_VECTOR_CQ);
}
