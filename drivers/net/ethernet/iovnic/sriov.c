// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV, the PF driver's side: sriov_configure enables and disables the
 * VFs (and, in switchdev mode, their devlink ports and representors), and
 * the ndo_set_vf_* and ndo_get_vf_* of the PF netdev configure them
 * (ip link set <pf> vf N ...) through their vports.  In switchdev mode
 * the eswitch's rules stand for a port VLAN and spoof checking, and the
 * devlink rate leaf for the rate: those refuse with EOPNOTSUPP there.
 */
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

/*
 * The vport of VF @vf, or NULL if there is no such VF.  The ndo_set_vf_*
 * run under RTNL, as do SR-IOV enable and disable (num_vfs, the VFs'
 * config reset), and a VF driver's attach to and detach from its vport.
 */
static struct iovnic_vport *iovnic_pf_vf_vport(struct net_device *dev,
					       int vf)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	ASSERT_RTNL();
	if (vf < 0 || vf >= priv->hw->num_vfs)
		return NULL;
	return &priv->hw->vports[IOVNIC_VF_VPORT(vf)];
}

/* The mode changes under RTNL too: stable for an ndo. */
static bool iovnic_pf_switchdev(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	return READ_ONCE(priv->hw->switchdev);
}

int iovnic_pf_set_vf_mac(struct net_device *dev, int vf, u8 *mac)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);

	if (!vport)
		return -EINVAL;
	if (is_multicast_ether_addr(mac) || is_zero_ether_addr(mac))
		return -EINVAL;
	return iovnic_vport_assign_mac(vport, mac);
}

int iovnic_pf_set_vf_vlan(struct net_device *dev, int vf, u16 vlan, u8 qos,
			  __be16 proto)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);
	struct iovnic_port_vlan pv = {
		.vid = vlan, .qos = qos, .proto = proto,
	};

	if (!vport || vlan >= VLAN_N_VID || qos > 7)
		return -EINVAL;
	if (iovnic_pf_switchdev(dev))
		return -EOPNOTSUPP;
	if (proto != htons(ETH_P_8021Q) && proto != htons(ETH_P_8021AD))
		return -EPROTONOSUPPORT;
	if (!vlan && qos)
		return -EINVAL;		/* a priority needs a VLAN */
	if (!vlan)
		pv.proto = htons(ETH_P_8021Q);
	return iovnic_vport_set_pvlan(vport, &pv);
}

int iovnic_pf_set_vf_spoofchk(struct net_device *dev, int vf, bool on)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);

	if (!vport)
		return -EINVAL;
	if (iovnic_pf_switchdev(dev))
		return -EOPNOTSUPP;
	WRITE_ONCE(vport->vf.spoofchk, on);
	return 0;
}

int iovnic_pf_set_vf_trust(struct net_device *dev, int vf, bool on)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);

	if (!vport)
		return -EINVAL;
	iovnic_vport_set_trust(vport, on);
	return 0;
}

/* Recorded and reported, as ixgbe does: the PF's RSS setup is not shared. */
int iovnic_pf_set_vf_rss_query_en(struct net_device *dev, int vf, bool on)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);

	if (!vport)
		return -EINVAL;
	vport->vf.rss_query_en = on;
	return 0;
}

int iovnic_pf_set_vf_link_state(struct net_device *dev, int vf, int state)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);
	struct iovnic_hw *hw = ((struct iovnic_priv *)netdev_priv(dev))->hw;

	if (!vport)
		return -EINVAL;
	if (state != IFLA_VF_LINK_STATE_AUTO &&
	    state != IFLA_VF_LINK_STATE_ENABLE &&
	    state != IFLA_VF_LINK_STATE_DISABLE)
		return -EINVAL;
	mutex_lock(&hw->lock);
	vport->vf.link_state = state;
	iovnic_vport_update_link(vport);
	mutex_unlock(&hw->lock);
	return 0;
}

int iovnic_pf_set_vf_rate(struct net_device *dev, int vf, int min_rate,
			  int max_rate)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);

	if (!vport || min_rate < 0 || max_rate < 0)
		return -EINVAL;
	if (min_rate > IOVNIC_MAX_RATE || max_rate > IOVNIC_MAX_RATE)
		return -EINVAL;		/* beyond the port's speed */
	if (max_rate && min_rate > max_rate)
		return -EINVAL;
	if (iovnic_pf_switchdev(dev))
		return -EOPNOTSUPP;	/* devlink port function rate */
	vport->vf.min_tx_rate = min_rate;
	vport->vf.max_tx_rate = max_rate;
	iovnic_vport_set_rate(vport, max_rate);
	return 0;
}

int iovnic_pf_get_vf_config(struct net_device *dev, int vf,
			    struct ifla_vf_info *ivi)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);

	if (!vport)
		return -EINVAL;
	ivi->vf = vf;
	iovnic_vport_get_mac(vport, ivi->mac);
	ivi->vlan = vport->pvlan.vid;
	ivi->qos = vport->pvlan.qos;
	ivi->vlan_proto = vport->pvlan.proto;
	ivi->spoofchk = vport->vf.spoofchk;
	ivi->trusted = vport->vf.trust;
	ivi->rss_query_en = vport->vf.rss_query_en;
	ivi->linkstate = vport->vf.link_state;
	ivi->min_tx_rate = vport->vf.min_tx_rate;
	ivi->max_tx_rate = vport->vf.max_tx_rate;
	return 0;
}

int iovnic_pf_get_vf_stats(struct net_device *dev, int vf,
			   struct ifla_vf_stats *st)
{
	struct iovnic_vport *vport = iovnic_pf_vf_vport(dev, vf);
	struct iovnic_vport_stats sum;

	if (!vport)
		return -EINVAL;
	iovnic_vport_get_stats(vport, &sum);
	st->rx_packets = sum.rx_packets;
	st->tx_packets = sum.tx_packets;
	st->rx_bytes = sum.rx_bytes;
	st->tx_bytes = sum.tx_bytes;
	st->broadcast = sum.broadcast;
	st->multicast = sum.multicast;
	st->rx_dropped = sum.rx_dropped;
	st->tx_dropped = sum.tx_dropped;
	return 0;
}

/*
 * The representors and VF ports go, then the VFs (their drivers unbind
 * under RTNL of their own), then their vports are reset under RTNL, so
 * that no ndo_set_vf_* runs in between.  Under the devlink instance lock.
 */
static void iovnic_sriov_disable_locked(struct pci_dev *pdev)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);

	iovnic_devlink_vfs_destroy(iovnic_pf_from_pdev(pdev));
	if (!pci_num_vf(pdev))
		return;
	pci_disable_sriov(pdev);
	rtnl_lock();
	iovnic_sw_disable_vfs(hw);
	rtnl_unlock();
}

void iovnic_sriov_disable(struct pci_dev *pdev)
{
	struct devlink *devlink = priv_to_devlink(iovnic_pf_from_pdev(pdev));

	devl_lock(devlink);
	iovnic_sriov_disable_locked(pdev);
	devl_unlock(devlink);
}

/*
 * Under the devlink instance lock, so that the eswitch mode holds still:
 * in switchdev mode the VFs' ports and representors come first (all or
 * none), then the VFs.
 */
int iovnic_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct iovnic_pf *pf = iovnic_pf_from_pdev(pdev);
	struct devlink *devlink = priv_to_devlink(pf);
	struct iovnic_hw *hw = pf->hw;
	int err;

	devl_lock(devlink);
	if (!num_vfs) {
		iovnic_sriov_disable_locked(pdev);
		devl_unlock(devlink);
		return 0;
	}
	rtnl_lock();
	iovnic_sw_enable_vfs(hw, num_vfs);
	rtnl_unlock();
	err = iovnic_devlink_vfs_create(pf, num_vfs);
	if (err)
		goto err_vfs;
	err = pci_enable_sriov(pdev, num_vfs);
	if (err)
		goto err_ports;
	devl_unlock(devlink);
	return num_vfs;

err_ports:
	iovnic_devlink_vfs_destroy(pf);
err_vfs:
	rtnl_lock();
	iovnic_sw_disable_vfs(hw);
	rtnl_unlock();
	devl_unlock(devlink);
	return err;
}
