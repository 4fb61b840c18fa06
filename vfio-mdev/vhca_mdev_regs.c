// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PVRDMA register file (BAR1) and the device state it drives: the DSR
 * handshake, activation, reset and the fatal state. Spec sections 3 and 5;
 * the probe order the guest driver follows is VERSION, DSRLOW, DSRHIGH
 * (caps written during this access), IMR, CTL=ACTIVATE, ERR.
 */
#include "vhca_mdev.h"

/**
 * vhca_mdev_fatal() - the guest broke the protocol: stop the instance
 * @vm:  the instance
 * @why: for the (rate-limited) log
 *
 * Only this instance is affected; a device reset (CTL=RESET, VFIO reset,
 * or a new DSR) brings it back.
 *
 * Context: caller holds &vhca_mdev.lock.
 */
void vhca_mdev_fatal(struct vhca_mdev *vm, const char *why)
{
	lockdep_assert_held(&vm->lock);
	dev_info_ratelimited(vm->vdev.dev, "device fatal: %s\n", why);
	if (vm->state == VHCA_MDEV_ACTIVE)
		vhca_mdev_async_event(vm, PVRDMA_EVENT_DEVICE_FATAL, 1);
	WRITE_ONCE(vm->state, VHCA_MDEV_FATAL);
	vm->err = PVRDMA_ERR_NOT_ACTIVE;
	vm->counters.fatal++;
}

/**
 * vhca_mdev_device_reset() - drop every object, pin and the DSR
 * @vm: the instance
 *
 * Context: caller holds &vhca_mdev.lock.
 */
void vhca_mdev_device_reset(struct vhca_mdev *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	/* Unreachable first; clearing the objects then waits for the turns. */
	for (i = 0; i < VHCA_MDEV_GIDS; i++)
		vhca_gid_set(vm->fn, i, NULL);
	vhca_function_clear(vm->fn);
	vhca_mdev_dev_ring_release(vm, &vm->async_ring);
	vhca_mdev_dev_ring_release(vm, &vm->cq_ring);
	memset(vm->gids, 0, sizeof(vm->gids));
	vm->cmd_slot = 0;
	vm->resp_slot = 0;
	vm->uar_pfn = 0;
	spin_lock_irq(&vm->irq_lock);
	vm->icr = 0;
	vm->imr = 0;
	spin_unlock_irq(&vm->irq_lock);
	WRITE_ONCE(vm->state, VHCA_MDEV_RESET);
	vm->err = PVRDMA_ERR_NOT_ACTIVE;
}

static bool vhca_mdev_slot_ok(struct vhca_mdev *vm, u64 gpa, size_t len)
{
	u8 probe;

	/* Aligned, and both ends readable by the device. */
	return gpa && !(gpa & 7) &&
	       !vhca_mdev_dma_read(vm, gpa, &probe, 1) &&
	       !vhca_mdev_dma_read(vm, gpa + len - 1, &probe, 1);
}

static void vhca_mdev_caps_build(struct vhca_mdev *vm, struct pvrdma_caps *caps)
{
	const struct vhca_limits *q = &vm->fn->quota;
	struct pvrdma_caps_in in = {
		.max_qp = vm->fn->obj_limit[VHCA_OBJ_QP],
		.max_cq = vm->fn->obj_limit[VHCA_OBJ_CQ],
		.max_mr = q->mrs,
		.max_pd = q->pds,
		.max_srq = vm->fn->obj_limit[VHCA_OBJ_SRQ],
		.max_ah = q->ahs,
		.max_uar = q->uar_pages,
	};

	memcpy(in.mac, vm->mac, sizeof(in.mac));
	pvrdma_caps_fill(caps, &in);
}

static int vhca_mdev_dsr_load(struct vhca_mdev *vm)
{
	u64 gpa = (u64)vm->dsr_high << 32 | vm->dsr_low;
	struct pvrdma_dsr *dsr;
	int ret = -ENOMEM;

	dsr = kzalloc(sizeof(*dsr), GFP_KERNEL);
	if (!dsr)
		return ret;
	ret = -EINVAL;
	if (!gpa || (gpa & 7))
		goto out;
	ret = vhca_mdev_dma_read(vm, gpa, dsr, sizeof(*dsr));
	if (ret)
		goto out;
	vm->cmd_slot = le64_to_cpu(dsr->cmd_slot_dma);
	vm->resp_slot = le64_to_cpu(dsr->resp_slot_dma);
	ret = -EINVAL;
	if (!vhca_mdev_slot_ok(vm, vm->cmd_slot, PVRDMA_CMD_SLOT_SIZE) ||
	    !vhca_mdev_slot_ok(vm, vm->resp_slot, PVRDMA_RESP_SLOT_SIZE))
		goto out;
	vm->uar_pfn = le64_to_cpu(dsr->uar_pfn64);
	if (le32_to_cpu(dsr->driver_version) < 19)
		vm->uar_pfn &= U32_MAX;
	ret = vhca_mdev_dev_ring_init(vm, &vm->async_ring, &dsr->async_ring,
				      PVRDMA_EQE_SIZE);
	if (!ret)
		ret = vhca_mdev_dev_ring_init(vm, &vm->cq_ring, &dsr->cq_ring,
					      PVRDMA_CQNE_SIZE);
	if (ret)
		goto out;
	vhca_mdev_caps_build(vm, &dsr->caps);
	ret = vhca_mdev_dma_write(vm, gpa + offsetof(struct pvrdma_dsr, caps),
				  &dsr->caps, sizeof(dsr->caps));
out:
	kfree(dsr);
	return ret;
}

/* DSRHIGH: load the DSR; a new one while loaded implies a reset first. */
static void vhca_mdev_dsr_write(struct vhca_mdev *vm)
{
	int ret;

	if (vm->state != VHCA_MDEV_RESET)
		vhca_mdev_device_reset(vm);
	ret = vhca_mdev_dsr_load(vm);
	if (ret) {
		dev_info_ratelimited(vm->vdev.dev,
				     "DSR at 0x%x%08x refused (%d)\n",
				     vm->dsr_high, vm->dsr_low, ret);
		vhca_mdev_device_reset(vm);
		vm->err = -ret;
		return;
	}
	WRITE_ONCE(vm->state, VHCA_MDEV_LOADED);
	vm->err = 0;
}

static void vhca_mdev_ctl_write(struct vhca_mdev *vm, u32 val)
{
	switch (val) {
	case PVRDMA_CTL_ACTIVATE:
		if (vm->state == VHCA_MDEV_LOADED)
			WRITE_ONCE(vm->state, VHCA_MDEV_ACTIVE);
		vm->err = vm->state == VHCA_MDEV_ACTIVE ? 0 : PVRDMA_ERR_NOT_ACTIVE;
		return;
	case PVRDMA_CTL_UNQUIESCE:
		vm->err = vm->state == VHCA_MDEV_ACTIVE ? 0 : PVRDMA_ERR_NOT_ACTIVE;
		return;
	case PVRDMA_CTL_RESET:
		vhca_mdev_device_reset(vm);
		return;
	}
	vm->err = EINVAL;
}

/**
 * vhca_mdev_regs_read() - a 32-bit read of the register file
 * @vm:  the instance
 * @pos: byte offset, 4-aligned
 * @val: result; unknown offsets read 0
 *
 * Context: caller holds &vhca_mdev.lock.
 */
void vhca_mdev_regs_read(struct vhca_mdev *vm, u64 pos, u32 *val)
{
	switch (pos) {
	case PVRDMA_REG_VERSION:
		*val = PVRDMA_VERSION;
		return;
	case PVRDMA_REG_ERR:
		*val = vm->err;
		return;
	case PVRDMA_REG_ICR:
		spin_lock_irq(&vm->irq_lock);
		*val = vm->icr;
		vm->icr = 0;
		spin_unlock_irq(&vm->irq_lock);
		return;
	case PVRDMA_REG_IMR:
		*val = READ_ONCE(vm->imr);
		return;
	case PVRDMA_REG_MACL:
		*val = vm->mac[0] | vm->mac[1] << 8 | vm->mac[2] << 16 |
		       (u32)vm->mac[3] << 24;
		return;
	case PVRDMA_REG_MACH:
		*val = vm->mac[4] | vm->mac[5] << 8;
		return;
	}
	*val = 0;
}

/**
 * vhca_mdev_regs_write() - a 32-bit write of the register file
 * @vm:  the instance
 * @pos: byte offset, 4-aligned
 * @val: value; writes to read-only or unknown offsets are ignored
 *
 * Context: caller holds &vhca_mdev.lock.
 */
void vhca_mdev_regs_write(struct vhca_mdev *vm, u64 pos, u32 val)
{
	switch (pos) {
	case PVRDMA_REG_DSRLOW:
		vm->dsr_low = val;
		return;
	case PVRDMA_REG_DSRHIGH:
		vm->dsr_high = val;
		vhca_mdev_dsr_write(vm);
		return;
	case PVRDMA_REG_CTL:
		vhca_mdev_ctl_write(vm, val);
		return;
	case PVRDMA_REG_REQUEST:
		/* CVE-2022-1050: no command without a loaded, active DSR. */
		if (vm->state != VHCA_MDEV_ACTIVE) {
			vm->err = PVRDMA_ERR_NOT_ACTIVE;
			return;
		}
		vhca_mdev_cmd_execute(vm);
		return;
	case PVRDMA_REG_IMR:
		vhca_mdev_imr_write(vm, val);
		return;
	}
}
