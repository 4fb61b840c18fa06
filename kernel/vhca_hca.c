// SPDX-License-Identifier: GPL-2.0-only
/*
 * HCA devices: the vhca class, creation and removal of vhca0..N, and the
 * references front ends take on them. HCAs live as long as the module.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "vhca_internal.h"

static struct class vhca_class = {
	.name = "vhca",
};

static struct vhca_hca **vhca_hcas;
static unsigned int vhca_nr_hcas;

static void vhca_hca_release(struct device *dev)
{
	kfree(container_of(dev, struct vhca_hca, dev));
}

static struct vhca_hca *vhca_hca_create(unsigned int index,
					const struct vhca_limits *capacity)
{
	struct vhca_hca *hca;
	int ret;

	hca = kzalloc(sizeof(*hca), GFP_KERNEL);
	if (!hca)
		return ERR_PTR(-ENOMEM);

	hca->index = index;
	hca->capacity = *capacity;
	mutex_init(&hca->lock);
	INIT_LIST_HEAD(&hca->functions);

	device_initialize(&hca->dev);
	hca->dev.class = &vhca_class;
	hca->dev.groups = vhca_hca_groups;
	hca->dev.release = vhca_hca_release;
	ret = dev_set_name(&hca->dev, "vhca%u", index);
	if (!ret)
		ret = device_add(&hca->dev);
	if (ret) {
		put_device(&hca->dev);
		return ERR_PTR(ret);
	}
	return hca;
}

static void vhca_hca_destroy(struct vhca_hca *hca)
{
	device_unregister(&hca->dev);
}

/**
 * vhca_hcas_create() - register the class and create HCAs vhca0..@count-1
 * @count:    number of HCAs
 * @capacity: resources of each HCA
 *
 * Context: module init.
 * Return: 0 or a negative errno; on error nothing is left registered.
 */
int vhca_hcas_create(unsigned int count, const struct vhca_limits *capacity)
{
	struct vhca_hca *hca;
	int ret;

	vhca_hcas = kcalloc(count, sizeof(*vhca_hcas), GFP_KERNEL);
	if (!vhca_hcas)
		return -ENOMEM;

	ret = class_register(&vhca_class);
	if (ret)
		goto err_free_array;

	for (vhca_nr_hcas = 0; vhca_nr_hcas < count; vhca_nr_hcas++) {
		hca = vhca_hca_create(vhca_nr_hcas, capacity);
		if (IS_ERR(hca)) {
			ret = PTR_ERR(hca);
			goto err_destroy_hcas;
		}
		vhca_hcas[vhca_nr_hcas] = hca;
	}
	return 0;

err_destroy_hcas:
	vhca_hcas_destroy();
	return ret;
err_free_array:
	kfree(vhca_hcas);
	return ret;
}

/**
 * vhca_hcas_destroy() - remove every HCA and the class
 *
 * Context: module exit or failed init. No front end can hold an HCA here:
 * front ends import our symbols, so they are unloaded first.
 */
void vhca_hcas_destroy(void)
{
	while (vhca_nr_hcas)
		vhca_hca_destroy(vhca_hcas[--vhca_nr_hcas]);
	class_unregister(&vhca_class);
	kfree(vhca_hcas);
	vhca_hcas = NULL;
}

/**
 * vhca_hca_count() - number of HCAs the core created
 *
 * Return: N; the HCAs are vhca0..N-1 and exist until the module unloads.
 */
unsigned int vhca_hca_count(void)
{
	return vhca_nr_hcas;
}
EXPORT_SYMBOL_GPL(vhca_hca_count);

/**
 * vhca_hca_get() - take a reference on HCA @index
 * @index: 0..vhca_hca_count()-1
 *
 * Return: the HCA, or NULL if @index is out of range.
 */
struct vhca_hca *vhca_hca_get(unsigned int index)
{
	if (index >= vhca_nr_hcas)
		return NULL;
	get_device(&vhca_hcas[index]->dev);
	return vhca_hcas[index];
}
EXPORT_SYMBOL_GPL(vhca_hca_get);

/**
 * vhca_hca_peek() - HCA @index without a reference
 * @index: 0..vhca_hca_count()-1
 *
 * HCAs live as long as the module, so core code may use them freely.
 *
 * Return: the HCA, or NULL if @index is out of range.
 */
struct vhca_hca *vhca_hca_peek(unsigned int index)
{
	return index < vhca_nr_hcas ? vhca_hcas[index] : NULL;
}

/**
 * vhca_hca_put() - drop a reference taken by vhca_hca_get()
 * @hca: the HCA
 */
void vhca_hca_put(struct vhca_hca *hca)
{
	put_device(&hca->dev);
}
EXPORT_SYMBOL_GPL(vhca_hca_put);
