// SPDX-License-Identifier: GPL-2.0
/*
 * The PF's physical port.  Uncabled it is up and leads nowhere (frames
 * sent there are counted and freed).  /sys/bus/pci/devices/<pf>/peer
 * cables it back to back to another iovnic PF's port: frames leaving one
 * switch enter the other, and the link is up while both PF netdevs are.
 * VFs in link state "auto" follow the port.
 */
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

/* Cabling and port state of all PFs: rtnl -> iovnic_wire_lock -> hw->lock */
static DEFINE_MUTEX(iovnic_wire_lock);

static struct iovnic_hw *iovnic_peer(struct iovnic_hw *hw)
{
	return rcu_dereference_protected(hw->peer,
					 lockdep_is_held(&iovnic_wire_lock));
}

static bool iovnic_pf_running(struct iovnic_hw *hw)
{
	struct net_device *dev;

	if (!hw->pf_pdev)
		return false;
	dev = pci_get_drvdata(hw->pf_pdev);
	return dev && netif_running(dev);
}

/* Carrier and delivery of one vport after its link state or the port's. */
void iovnic_vport_update_link(struct iovnic_vport *vport)
{
	struct iovnic_hw *hw = vport->hw;
	struct net_device *dev;
	bool up;

	lockdep_assert_held(&hw->lock);
	if (vport->idx == IOVNIC_PF_VPORT) {
		up = READ_ONCE(hw->port_up);
	} else {
		switch (vport->vf.link_state) {
		case IFLA_VF_LINK_STATE_ENABLE:
			up = vport->enabled;
			break;
		case IFLA_VF_LINK_STATE_DISABLE:
			up = false;
			break;
		default:
			up = vport->enabled && READ_ONCE(hw->port_up);
			break;
		}
		/* the PF always reaches its VFs; a VF's link gates delivery */
		WRITE_ONCE(vport->link_up, up);
	}
	dev = rcu_dereference_protected(vport->netdev,
					lockdep_is_held(&hw->lock));
	if (dev && netif_running(dev)) {
		if (up)
			netif_carrier_on(dev);
		else
			netif_carrier_off(dev);
	}
}

/* Apply the port state to every vport of @hw. */
void iovnic_wire_update_link(struct iovnic_hw *hw)
{
	unsigned int i;

	mutex_lock(&hw->lock);
	for (i = 0; i <= hw->total_vfs; i++)
		iovnic_vport_update_link(&hw->vports[i]);
	mutex_unlock(&hw->lock);
}

static void iovnic_port_refresh(struct iovnic_hw *hw)
{
	struct iovnic_hw *peer = iovnic_peer(hw);
	bool up = true;

	if (peer)
		up = iovnic_pf_running(hw) && iovnic_pf_running(peer);
	WRITE_ONCE(hw->port_up, up);
	iovnic_wire_update_link(hw);
}

/* A PF netdev went up or down: both ends of its cable may change. */
void iovnic_wire_port_changed(struct iovnic_hw *hw)
{
	struct iovnic_hw *peer;

	mutex_lock(&iovnic_wire_lock);
	iovnic_port_refresh(hw);
	peer = iovnic_peer(hw);
	if (peer)
		iovnic_port_refresh(peer);
	mutex_unlock(&iovnic_wire_lock);
}

/* Frames leaving the switch through the port.  Under RCU-bh. */
void iovnic_wire_tx(struct iovnic_hw *hw, struct sk_buff *skb)
{
	struct iovnic_hw *peer = rcu_dereference_bh(hw->peer);

	atomic64_inc(&hw->wire_tx_packets);
	atomic64_add(skb->len, &hw->wire_tx_bytes);
	if (peer && READ_ONCE(hw->port_up))
		iovnic_sw_wire_rx(peer, skb);
	else
		consume_skb(skb);
}

static void iovnic_unplug(struct iovnic_hw *hw)
{
	struct iovnic_hw *peer = iovnic_peer(hw);

	if (!peer)
		return;
	RCU_INIT_POINTER(hw->peer, NULL);
	RCU_INIT_POINTER(peer->peer, NULL);
	iovnic_port_refresh(hw);
	iovnic_port_refresh(peer);
}

void iovnic_wire_pf_bound(struct iovnic_hw *hw, struct pci_dev *pdev)
{
	mutex_lock(&iovnic_wire_lock);
	hw->pf_pdev = pdev;
	mutex_unlock(&iovnic_wire_lock);
}

/* The PF driver is going: unplug its cable first. */
void iovnic_wire_pf_unbound(struct iovnic_hw *hw)
{
	mutex_lock(&iovnic_wire_lock);
	iovnic_unplug(hw);
	hw->pf_pdev = NULL;
	mutex_unlock(&iovnic_wire_lock);
	synchronize_net();
}

static ssize_t peer_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(to_pci_dev(dev));
	struct iovnic_hw *peer;
	ssize_t ret;

	mutex_lock(&iovnic_wire_lock);
	peer = iovnic_peer(hw);
	ret = sysfs_emit(buf, "%s\n", peer ? pci_name(peer->pf_pdev) : "none");
	mutex_unlock(&iovnic_wire_lock);
	return ret;
}

/* The iovnic PF (bound to our driver) named @name, with a reference. */
static struct pci_dev *iovnic_find_pf(const char *name)
{
	struct device *d;

	d = bus_find_device_by_name(&pci_bus_type, NULL, name);
	if (!d)
		return ERR_PTR(-ENODEV);
	if (d->driver != &iovnic_pf_driver.driver) {
		put_device(d);
		return ERR_PTR(-EINVAL);
	}
	return to_pci_dev(d);
}

static ssize_t peer_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(to_pci_dev(dev));
	struct iovnic_hw *other, *cur;
	struct pci_dev *pdev = NULL;
	char name[32];
	int err = 0;

	if (strscpy(name, buf, sizeof(name)) < 0)
		return -EINVAL;
	strim(name);
	if (strcmp(name, "none")) {
		pdev = iovnic_find_pf(name);
		if (IS_ERR(pdev))
			return PTR_ERR(pdev);
	}

	mutex_lock(&iovnic_wire_lock);
	cur = iovnic_peer(hw);
	if (!pdev) {
		iovnic_unplug(hw);
		goto out;
	}
	other = iovnic_hw_from_pdev(pdev);
	if (other == hw || !other->pf_pdev) {
		err = -EINVAL;		/* itself, or a PF going away */
		goto out;
	}
	if (cur == other)
		goto out;		/* already cabled so */
	if (cur || iovnic_peer(other)) {
		err = -EBUSY;		/* unplug first */
		goto out;
	}
	rcu_assign_pointer(hw->peer, other);
	rcu_assign_pointer(other->peer, hw);
	iovnic_port_refresh(hw);
	iovnic_port_refresh(other);
out:
	mutex_unlock(&iovnic_wire_lock);
	if (pdev)
		pci_dev_put(pdev);
	if (!err && !pdev)
		synchronize_net();
	return err ? err : count;
}
static DEVICE_ATTR_RW(peer);

static struct attribute *iovnic_pf_dev_attrs[] = {
	&dev_attr_peer.attr,
	NULL,
};

static const struct attribute_group iovnic_pf_dev_group = {
	.attrs = iovnic_pf_dev_attrs,
};

const struct attribute_group *iovnic_pf_dev_groups[] = {
	&iovnic_pf_dev_group,
	NULL,
};
