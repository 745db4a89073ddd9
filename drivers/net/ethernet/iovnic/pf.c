// SPDX-License-Identifier: GPL-2.0
/*
 * The "iovnic" PCI driver: binds PFs, creates the PF netdev, enables VFs
 * through sriov_configure and configures them (ip link set <pf> vf N ...).
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

static struct iovnic_vport *iovnic_pf_vf_vport(struct net_device *dev,
					       int vf)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (vf < 0 || vf >= priv->hw->num_vfs)
		return NULL;
	return &priv->hw->vports[IOVNIC_VF_VPORT(vf)];
}

int iovnic_pf_set_vf_mac(struct net_device *dev, int vf, u8 *mac)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);
	struct net_device *vf_dev;
	int err;

	if (!vport)
		return -EINVAL;
	if (is_multicast_ether_addr(mac) || is_zero_ether_addr(mac))
		return -EINVAL;

	vf_dev = rtnl_dereference(vport->netdev);
	if (vf_dev) {
		err = iovnic_vport_set_mac(vport, mac);
		if (err)
			return err;
		iovnic_netdev_apply_mac(vf_dev, mac);
	}
	ether_addr_copy(vport->vf.mac, mac);
	vport->vf.mac_set = true;
	return 0;
}

int iovnic_pf_get_vf_config(struct net_device *dev, int vf,
			    struct ifla_vf_info *ivi)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);
	struct net_device *vf_dev;

	if (!vport)
		return -EINVAL;
	ivi->vf = vf;
	vf_dev = rtnl_dereference(vport->netdev);
	if (vf_dev)
		ether_addr_copy(ivi->mac, vf_dev->dev_addr);
	else
		ether_addr_copy(ivi->mac, vport->vf.mac);
	ivi->spoofchk = vport->vf.spoofchk;
	ivi->trusted = vport->vf.trust;
	ivi->linkstate = vport->vf.link_state;
	return 0;
}

static void iovnic_pf_disable_vfs(struct pci_dev *pdev)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);

	if (!pci_num_vf(pdev))
		return;
	pci_disable_sriov(pdev);
	iovnic_sw_disable_vfs(hw);
}

static int iovnic_pf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);
	int err;

	if (!num_vfs) {
		iovnic_pf_disable_vfs(pdev);
		return 0;
	}
	iovnic_sw_enable_vfs(hw, num_vfs);
	err = pci_enable_sriov(pdev, num_vfs);
	if (err) {
		iovnic_sw_disable_vfs(hw);
		return err;
	}
	return num_vfs;
}

static int iovnic_pf_probe(struct pci_dev *pdev,
			   const struct pci_device_id *id)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);
	char name[IFNAMSIZ];
	struct net_device *dev;
	int err;

	if (!hw || pdev->is_virtfn)
		return -ENODEV;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	pci_set_master(pdev);

	snprintf(name, sizeof(name), "iovnic%u", hw->index);
	dev = iovnic_netdev_alloc(pdev, hw, &hw->vports[IOVNIC_PF_VPORT], name,
				  false);
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
	free_netdev(dev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void iovnic_pf_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);

	iovnic_pf_disable_vfs(pdev);
	iovnic_netdev_unregister(dev);
	free_netdev(dev);
	pci_disable_device(pdev);
}

static const struct pci_device_id iovnic_pf_ids[] = {
	{ PCI_DEVICE(IOVNIC_VENDOR_ID, IOVNIC_PF_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, iovnic_pf_ids);

struct pci_driver iovnic_pf_driver = {
	.name			= IOVNIC_DRV_NAME,
	.id_table		= iovnic_pf_ids,
	.probe			= iovnic_pf_probe,
	.remove			= iovnic_pf_remove,
	.sriov_configure	= iovnic_pf_sriov_configure,
};
