// SPDX-License-Identifier: GPL-2.0
/*
 * The "iovnic" PCI driver: binds PFs and creates the PF netdev and its
 * devlink instance (devlink.c); SR-IOV is in sriov.c.
 */
#include <linux/module.h>
#include <linux/pci.h>

#include "iovnic.h"

static int iovnic_pf_probe(struct pci_dev *pdev,
			   const struct pci_device_id *id)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);
	struct iovnic_priv *priv;
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct iovnic_pf *pf;
	int err;

	if (!hw || pdev->is_virtfn)
		return -ENODEV;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	pci_set_master(pdev);

	pf = iovnic_devlink_alloc(pdev, hw);
	if (IS_ERR(pf)) {
		err = PTR_ERR(pf);
		goto err_disable;
	}
	snprintf(name, sizeof(name), "iovnic%u", hw->index);
	dev = iovnic_netdev_alloc(pdev, hw, &hw->vports[IOVNIC_PF_VPORT], name,
				  false);
	if (!dev) {
		err = -ENOMEM;
		goto err_devlink;
	}
	priv = netdev_priv(dev);
	priv->pf = pf;
	pf->netdev = dev;
	iovnic_compat_netdev_set_dl_port(dev, &pf->port);
	pci_set_drvdata(pdev, dev);
	err = iovnic_netdev_register(dev);
	if (err)
		goto err_free;
	iovnic_devlink_register(pf);
	iovnic_wire_pf_bound(hw, pdev);
	return 0;

err_free:
	iovnic_netdev_free(dev);
err_devlink:
	iovnic_devlink_free(pf);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void iovnic_pf_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct iovnic_pf *pf = iovnic_pf_from_pdev(pdev);

	devl_lock(priv_to_devlink(pf));
	iovnic_synth_del_all(pf);
	iovnic_port_netdev_destroy(pf);
	devl_unlock(priv_to_devlink(pf));
	iovnic_wire_pf_unbound(iovnic_hw_from_pdev(pdev));
	iovnic_devlink_unregister(pf);
	iovnic_sriov_disable(pdev);
	iovnic_netdev_unregister(dev);
	iovnic_netdev_free(dev);
	iovnic_devlink_free(pf);
	pci_disable_device(pdev);
}

/*
 * /sys/bus/pci/devices/<pf>/peer: the PF whose port this one's is cabled
 * to, "netdev" (the port's netdev iovnic<P>w, port.c) or "none"; writing
 * another iovnic PF's PCI name cables the two ports back to back,
 * "netdev" cables the port to a new netdev, "none" unplugs either.
 */
static ssize_t peer_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(to_pci_dev(dev));
	struct pci_dev *peer;
	ssize_t ret;

	if (iovnic_wire_ext_attached(hw))
		return sysfs_emit(buf, "netdev\n");
	peer = iovnic_wire_peer_get(hw);
	ret = sysfs_emit(buf, "%s\n", peer ? pci_name(peer) : "none");
	pci_dev_put(peer);
	return ret;
}

/* "netdev" and "none" for the port's netdev, under the instance lock. */
static int iovnic_peer_netdev(struct pci_dev *pdev, bool create)
{
	struct iovnic_pf *pf = iovnic_pf_from_pdev(pdev);
	struct devlink *devlink = priv_to_devlink(pf);
	int err = 0;

	devl_lock(devlink);
	if (!create)
		iovnic_port_netdev_destroy(pf);
	else if (!pf->port_dev)
		err = iovnic_port_netdev_create(pf);
	devl_unlock(devlink);
	return err;
}

static ssize_t peer_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(to_pci_dev(dev));
	struct device *d;
	char name[32];
	int err;

	if (strscpy(name, buf, sizeof(name)) < 0)
		return -EINVAL;
	strim(name);
	if (!strcmp(name, "none")) {
		iovnic_peer_netdev(to_pci_dev(dev), false);
		iovnic_wire_disconnect(hw);
		return count;
	}
	if (!strcmp(name, "netdev")) {
		err = iovnic_peer_netdev(to_pci_dev(dev), true);
		return err ? err : count;
	}
	d = bus_find_device_by_name(&pci_bus_type, NULL, name);
	if (!d)
		return -ENODEV;
	/*
	 * An iovnic PF bound to this driver (no device lock: d may be
	 * this very PF, whose unbind waits for this write to finish; the
	 * wire checks under its lock that the PF is still bound).
	 */
	if (READ_ONCE(d->driver) == &iovnic_pf_driver.driver)
		err = iovnic_wire_connect(hw, iovnic_hw_from_pdev(to_pci_dev(d)));
	else
		err = -EINVAL;
	put_device(d);
	return err ? err : count;
}
static DEVICE_ATTR_RW(peer);

/*
 * /sys/bus/pci/devices/<pf>/synthetic_add and synthetic_del: a VF's
 * number creates (in the writer's namespace) or removes its synthetic
 * NIC and failover master (synth.c).
 */
static ssize_t iovnic_synth_store(struct device *dev, const char *buf,
				  size_t count, bool add)
{
	struct iovnic_pf *pf = iovnic_pf_from_pdev(to_pci_dev(dev));
	struct devlink *devlink = priv_to_devlink(pf);
	unsigned int vf;
	int err;

	err = kstrtouint(buf, 10, &vf);
	if (err)
		return err;
	devl_lock(devlink);
	err = add ? iovnic_synth_add(pf, vf) : iovnic_synth_del(pf, vf);
	devl_unlock(devlink);
	return err ? err : count;
}

static ssize_t synthetic_add_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	return iovnic_synth_store(dev, buf, count, true);
}
static DEVICE_ATTR_WO(synthetic_add);

static ssize_t synthetic_del_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	return iovnic_synth_store(dev, buf, count, false);
}
static DEVICE_ATTR_WO(synthetic_del);

static struct attribute *iovnic_pf_dev_attrs[] = {
	&dev_attr_peer.attr,
	&dev_attr_synthetic_add.attr,
	&dev_attr_synthetic_del.attr,
	NULL
};
ATTRIBUTE_GROUPS(iovnic_pf_dev);

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
	.sriov_configure	= iovnic_sriov_configure,
	.dev_groups		= iovnic_pf_dev_groups,
};
