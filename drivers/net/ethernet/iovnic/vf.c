// SPDX-License-Identifier: GPL-2.0
/* The "iovnicvf" PCI driver: binds VFs and gives each a netdev. */
#include <linux/module.h>
#include <linux/pci.h>

#include "iovnic.h"

static int iovnic_vf_probe(struct pci_dev *pdev,
			   const struct pci_device_id *id)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);
	char name[IFNAMSIZ];
	struct net_device *dev;
	int vf, err;

	if (!hw || !pdev->is_virtfn)
		return -ENODEV;
	vf = pci_iov_vf_id(pdev);
	if (vf < 0)
		return vf;
	if (vf >= hw->total_vfs)
		return -ENODEV;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	pci_set_master(pdev);

	snprintf(name, sizeof(name), "iovnic%uv%d", hw->index, vf);
	dev = iovnic_netdev_alloc(pdev, hw, &hw->vports[IOVNIC_VF_VPORT(vf)],
				  name, true);
	if (!dev) {
		err = -ENOMEM;
		goto err_disable;
	}
	pci_set_drvdata(pdev, dev);
	err = iovnic_netdev_register(dev);
	if (err)
		goto err_free;
	return 0;

err_free:
	iovnic_netdev_free(dev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void iovnic_vf_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);

	iovnic_netdev_unregister(dev);
	iovnic_netdev_free(dev);
	pci_disable_device(pdev);
}

static const struct pci_device_id iovnic_vf_ids[] = {
	{ PCI_DEVICE(IOVNIC_VENDOR_ID, IOVNIC_VF_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, iovnic_vf_ids);

struct pci_driver iovnic_vf_driver = {
	.name		= IOVNIC_VF_DRV_NAME,
	.id_table	= iovnic_vf_ids,
	.probe		= iovnic_vf_probe,
	.remove		= iovnic_vf_remove,
};
