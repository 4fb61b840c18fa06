// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhca_mdev module entry: the mdev driver (probe/remove of instances) and
 * one mdev parent per core HCA.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "vhca_mdev.h"

static struct vhca_mdev_parent **vhca_mdev_parents;
static unsigned int vhca_mdev_nr_parents;

static int vhca_mdev_probe(struct mdev_device *mdev)
{
	struct vhca_mdev *vm;
	int ret;

	vm = vfio_alloc_device(vhca_mdev, vdev, &mdev->dev,
			       &vhca_mdev_vfio_ops);
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	ret = vfio_register_emulated_iommu_dev(&vm->vdev);
	if (ret) {
		vfio_put_device(&vm->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, vm);
	/*
	 * An instance pins the module: unloading with instances present is
	 * refused (EBUSY from rmmod) rather than yanking them from their VMMs.
	 */
	__module_get(THIS_MODULE);
	return 0;
}

static void vhca_mdev_remove(struct mdev_device *mdev)
{
	struct vhca_mdev *vm = dev_get_drvdata(&mdev->dev);

	/* Blocks until the VMM closes the device; see vhca_mdev_request(). */
	vfio_unregister_group_dev(&vm->vdev);
	vfio_put_device(&vm->vdev);
	module_put(THIS_MODULE);
}

struct mdev_driver vhca_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = "vhca_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = vhca_mdev_dev_groups,
	},
	.probe = vhca_mdev_probe,
	.remove = vhca_mdev_remove,
	.get_available = vhca_mdev_type_available,
	.show_description = vhca_mdev_type_describe,
};

static void vhca_mdev_parents_destroy(void)
{
	struct vhca_hca *hca;

	while (vhca_mdev_nr_parents) {
		hca = vhca_mdev_parents[--vhca_mdev_nr_parents]->hca;
		vhca_mdev_parent_destroy(vhca_mdev_parents[vhca_mdev_nr_parents]);
		vhca_hca_put(hca);
	}
	kfree(vhca_mdev_parents);
	vhca_mdev_parents = NULL;
}

static int vhca_mdev_parents_create(void)
{
	unsigned int count = vhca_hca_count();
	struct vhca_mdev_parent *mp;
	struct vhca_hca *hca;

	vhca_mdev_parents = kcalloc(count, sizeof(*vhca_mdev_parents),
				    GFP_KERNEL);
	if (!vhca_mdev_parents)
		return -ENOMEM;
	while (vhca_mdev_nr_parents < count) {
		hca = vhca_hca_get(vhca_mdev_nr_parents);
		mp = vhca_mdev_parent_create(hca);
		if (IS_ERR(mp)) {
			vhca_hca_put(hca);
			vhca_mdev_parents_destroy();
			return PTR_ERR(mp);
		}
		vhca_mdev_parents[vhca_mdev_nr_parents++] = mp;
	}
	return 0;
}

static int __init vhca_mdev_init(void)
{
	int ret;

	vhca_mdev_sysfs_init();
	ret = mdev_register_driver(&vhca_mdev_driver);
	if (ret)
		return ret;
	ret = vhca_mdev_parents_create();
	if (ret)
		mdev_unregister_driver(&vhca_mdev_driver);
	return ret;
}

static void __exit vhca_mdev_exit(void)
{
	vhca_mdev_parents_destroy();
	mdev_unregister_driver(&vhca_mdev_driver);
}

module_init(vhca_mdev_init);
module_exit(vhca_mdev_exit);
MODULE_DESCRIPTION("vhca: PVRDMA mediated devices on vhca HCAs");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: vfio_iommu_type1");
