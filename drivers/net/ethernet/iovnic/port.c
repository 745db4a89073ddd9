// SPDX-License-Identifier: GPL-2.0
/*
 * The port's netdev, iovnic<P>w: the far end of the PF's cable, made by
 * writing "netdev" to /sys/bus/pci/devices/<pf>/peer ("none" removes it).
 * What the switch sends to the wire is received on it; what is sent on it
 * enters the switch from the wire.  Bridge it, bond it, put it in OVS or
 * behind a VXLAN device, move it to another namespace: the VFs reach
 * whatever it reaches.  Its carrier is on while the PF netdev is up; the
 * PF's link (and so VFs in state auto) is up while both are.  Frames keep
 * their offload state (GSO, checksum) across it, as across a veth, and as
 * on a veth GRO is off until turned on.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

static int iovnic_port_poll(struct napi_struct *napi, int budget)
{
	struct iovnic_port *port = container_of(napi, struct iovnic_port, napi);

	return iovnic_ring_poll(napi, budget, &port->hw->ext_q, port->netdev,
				port->stats);
}

static void iovnic_port_notify(void *ctx)
{
	struct iovnic_port *port = ctx;

	napi_schedule(&port->napi);
}

/* The PF's end of the port was enabled or disabled: our carrier. */
static void iovnic_port_link_changed(void *owner, bool up)
{
	struct iovnic_port *port = owner;

	if (up)
		netif_carrier_on(port->netdev);
	else
		netif_carrier_off(port->netdev);
}

static const struct iovnic_port_ops iovnic_port_ops = {
	.link_changed	= iovnic_port_link_changed,
};

static int iovnic_port_open(struct net_device *dev)
{
	struct iovnic_port *port = netdev_priv(dev);
	int err;

	/*
	 * The port's receive has a vector of its own, as a VF's queue has:
	 * a frame the switch sends to the wire from another CPU raises it
	 * there, and the port's NAPI (with the bridge, VXLAN or OVS behind
	 * it) runs on the vector's CPU, not on the sender's.
	 */
	err = iovnic_napi_irq_request(&port->napi, &port->hw->ext_q,
				      port->irq, port->irq_name,
				      sizeof(port->irq_name),
				      port->hw->index + 1);
	if (err)
		return err;
	napi_enable(&port->napi);
	iovnic_queue_rx_start(&port->hw->ext_q);
	iovnic_wire_ext_set_up(port->hw, true);
	return 0;
}

static int iovnic_port_stop(struct net_device *dev)
{
	struct iovnic_port *port = netdev_priv(dev);

	iovnic_wire_ext_set_up(port->hw, false);
	iovnic_queue_stop(&port->hw->ext_q);
	napi_disable(&port->napi);
	iovnic_napi_irq_release(&port->napi, &port->hw->ext_q, port->irq);
	return 0;
}

static netdev_tx_t iovnic_port_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct iovnic_port *port = netdev_priv(dev);
	unsigned int len = skb->len;

	iovnic_wire_ext_xmit(port->hw, skb);
	iovnic_ring_count_tx(port->stats, len);
	return NETDEV_TX_OK;
}

static void iovnic_port_get_stats64(struct net_device *dev,
				    struct rtnl_link_stats64 *st)
{
	struct iovnic_port *port = netdev_priv(dev);

	iovnic_ring_fill_stats(port->stats, &port->hw->ext_q, st);
}

static int iovnic_port_change_mtu(struct net_device *dev, int mtu)
{
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

static const struct net_device_ops iovnic_port_netdev_ops = {
	.ndo_open		= iovnic_port_open,
	.ndo_stop		= iovnic_port_stop,
	.ndo_start_xmit		= iovnic_port_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= iovnic_port_get_stats64,
	.ndo_change_mtu		= iovnic_port_change_mtu,
};

static void iovnic_port_get_drvinfo(struct net_device *dev,
				    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, IOVNIC_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, "port", sizeof(info->bus_info));
}

static const struct ethtool_ops iovnic_port_ethtool_ops = {
	.get_drvinfo		= iovnic_port_get_drvinfo,
	.get_link		= ethtool_op_get_link,
};

/*
 * A netdev that hands frames on as a veth does (the port's, the synthetic
 * NIC's ends): they keep their GSO and checksum state, tags travel out of
 * band, no qdisc and no transmit lock.
 */
void iovnic_soft_netdev_setup(struct net_device *dev)
{
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE;
	dev->features = dev->hw_features | NETIF_F_HW_VLAN_CTAG_TX |
			NETIF_F_HW_VLAN_STAG_TX;
	dev->vlan_features = dev->hw_features;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	iovnic_compat_set_lltx(dev);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 9000;
}

/*
 * Register such a netdev, with GRO off by default as a veth has it (what
 * arrives already keeps its GSO state; "ethtool -K <dev> gro on" merges).
 * Under RTNL.
 */
int iovnic_soft_netdev_register(struct net_device *dev)
{
	int err;

	ASSERT_RTNL();
	err = register_netdevice(dev);
	if (err)
		return err;
	dev->features &= ~NETIF_F_GRO;
	dev->wanted_features &= ~NETIF_F_GRO;
	return 0;
}

/*
 * Cable the PF's port to a new netdev iovnic<P>w.  EBUSY if the port is
 * cabled (to a peer PF or a netdev) already.  Under the devlink instance
 * lock, which keeps pf->port_dev.
 */
int iovnic_port_netdev_create(struct iovnic_pf *pf)
{
	struct iovnic_hw *hw = pf->hw;
	struct iovnic_port *port;
	struct net_device *dev;
	char name[IFNAMSIZ];
	int err;

	devl_assert_locked(priv_to_devlink(pf));
	if (pf->port_dev)
		return -EBUSY;
	snprintf(name, sizeof(name), "iovnic%uw", hw->index);
	dev = alloc_netdev(sizeof(*port), name, NET_NAME_PREDICTABLE,
			   ether_setup);
	if (!dev)
		return -ENOMEM;
	port = netdev_priv(dev);
	port->netdev = dev;
	port->hw = hw;
	port->stats = netdev_alloc_pcpu_stats(struct iovnic_rep_stats);
	if (!port->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	port->irq = iovnic_irq_alloc_queue(hw);
	if (port->irq < 0) {
		err = port->irq;
		goto err_stats;
	}
	dev->netdev_ops = &iovnic_port_netdev_ops;
	dev->ethtool_ops = &iovnic_port_ethtool_ops;
	iovnic_soft_netdev_setup(dev);
	eth_hw_addr_random(dev);
	netif_napi_add(dev, &port->napi, iovnic_port_poll);
	netif_carrier_off(dev);

	err = iovnic_wire_ext_attach(hw, &iovnic_port_ops, port,
				     iovnic_port_notify, port);
	if (err)
		goto err_napi;
	rtnl_lock();
	err = iovnic_soft_netdev_register(dev);
	rtnl_unlock();
	if (err)
		goto err_detach;
	pf->port_dev = port;
	return 0;

err_detach:
	iovnic_wire_ext_detach(hw);
err_napi:
	netif_napi_del(&port->napi);
	iovnic_irq_free_queue(port->irq);
err_stats:
	free_percpu(port->stats);
err_free:
	free_netdev(dev);
	return err;
}

/* Unplug and remove the port's netdev, if any (wherever it is). */
void iovnic_port_netdev_destroy(struct iovnic_pf *pf)
{
	struct iovnic_port *port = pf->port_dev;

	devl_assert_locked(priv_to_devlink(pf));
	if (!port)
		return;
	pf->port_dev = NULL;
	unregister_netdev(port->netdev);
	iovnic_wire_ext_detach(pf->hw);
	netif_napi_del(&port->napi);
	iovnic_irq_free_queue(port->irq);
	free_percpu(port->stats);
	free_netdev(port->netdev);
}
