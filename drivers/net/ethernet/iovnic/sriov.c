// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV, the PF driver's side: sriov_configure enables and disables the
 * VFs, and the ndo_set_vf_* and ndo_get_vf_* of the PF netdev configure
 * them (ip link set <pf> vf N ...) through their vports.
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
 * The VFs go (their drivers unbind under RTNL of their own), then their
 * vports are reset under RTNL, so that no ndo_set_vf_* runs in between.
 */
void iovnic_sriov_disable(struct pci_dev *pdev)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);

	if (!pci_num_vf(pdev))
		return;
	pci_disable_sriov(pdev);
	rtnl_lock();
	iovnic_sw_disable_vfs(hw);
	rtnl_unlock();
}

int iovnic_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct iovnic_hw *hw = iovnic_hw_from_pdev(pdev);
	int err;

	if (!num_vfs) {
		iovnic_sriov_disable(pdev);
		return 0;
	}
	rtnl_lock();
	iovnic_sw_enable_vfs(hw, num_vfs);
	rtnl_unlock();
	err = pci_enable_sriov(pdev, num_vfs);
	if (err) {
		rtnl_lock();
		iovnic_sw_disable_vfs(hw);
		rtnl_unlock();
		return err;
	}
	return num_vfs;
}
