// SPDX-License-Identifier: GPL-2.0
/*
 * The netdev side shared by PF and VF drivers: transmit into the vport,
 * receive from the vport's queue through NAPI.
 */
#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

static int iovnic_poll(struct napi_struct *napi, int budget)
{
	struct iovnic_priv *priv = container_of(napi, struct iovnic_priv, napi);
	struct iovnic_vport *vport = priv->vport;
	struct net_device *dev = priv->netdev;
	struct pcpu_sw_netstats *tstats;
	unsigned int bytes = 0;
	struct sk_buff *skb;
	int done = 0;

	while (done < budget) {
		skb = __ptr_ring_consume(&vport->rxq);
		if (!skb)
			break;
		bytes += skb->len;
		skb->protocol = eth_type_trans(skb, dev);
		skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
		napi_gro_receive(napi, skb);
		done++;
	}

	if (done) {
		tstats = this_cpu_ptr(dev->tstats);
		u64_stats_update_begin(&tstats->syncp);
		u64_stats_add(&tstats->rx_packets, done);
		u64_stats_add(&tstats->rx_bytes, bytes);
		u64_stats_update_end(&tstats->syncp);
	}

	if (done < budget && napi_complete_done(napi, done))
		iovnic_vport_irq_rearm(vport);
	return done;
}

static irqreturn_t iovnic_irq(int irq, void *data)
{
	struct iovnic_priv *priv = data;

	napi_schedule_irqoff(&priv->napi);
	return IRQ_HANDLED;
}

/*
 * The queue's vector, named after the netdev as real drivers do, with a
 * default affinity that spreads vports over the online CPUs.
 */
static int iovnic_irq_request(struct iovnic_priv *priv)
{
	int err;

	if (!priv->irq)
		return 0;
	snprintf(priv->irq_name, sizeof(priv->irq_name), "%s-TxRx-0",
		 priv->netdev->name);
	err = request_irq(priv->irq, iovnic_irq, 0, priv->irq_name, priv);
	if (err)
		return err;
	irq_set_affinity_and_hint(priv->irq,
				  cpumask_of(cpumask_local_spread(priv->vport->idx,
								  NUMA_NO_NODE)));
	iovnic_vport_irq_set(priv->vport, priv->irq);
	return 0;
}

static void iovnic_irq_release(struct iovnic_priv *priv)
{
	if (!priv->irq)
		return;
	iovnic_vport_irq_set(priv->vport, 0);
	irq_update_affinity_hint(priv->irq, NULL);
	free_irq(priv->irq, priv);
}

/* Carrier from the vport's link state (and, for a PF, both cable ends). */
static void iovnic_link_changed(struct iovnic_priv *priv)
{
	if (priv->is_vf) {
		mutex_lock(&priv->hw->lock);
		iovnic_vport_update_link(priv->vport);
		mutex_unlock(&priv->hw->lock);
	} else {
		iovnic_wire_port_changed(priv->hw);
	}
}

static int iovnic_open(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	int err;

	err = iovnic_irq_request(priv);
	if (err)
		return err;
	napi_enable(&priv->napi);
	iovnic_compat_napi_link(dev, &priv->napi, priv->irq);
	iovnic_vport_rx_start(priv->vport);
	iovnic_link_changed(priv);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int iovnic_stop(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	netif_tx_stop_all_queues(dev);
	netif_carrier_off(dev);
	if (!priv->is_vf)
		iovnic_wire_port_changed(priv->hw);
	iovnic_vport_rx_stop(priv->vport);
	iovnic_compat_napi_link(dev, NULL, 0);
	napi_disable(&priv->napi);
	iovnic_irq_release(priv);
	iovnic_vport_rx_purge(priv->vport);
	return 0;
}

static netdev_tx_t iovnic_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	dev_sw_netstats_tx_add(dev, 1, skb->len);
	skb_tx_timestamp(skb);
	return iovnic_sw_xmit(priv->vport, skb);
}

static int iovnic_set_mac_address(struct net_device *dev, void *p)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct sockaddr *sa = p;
	int err;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	/* an untrusted VF keeps the MAC its PF gave it */
	if (priv->is_vf && READ_ONCE(priv->vport->vf.mac_set) &&
	    !READ_ONCE(priv->vport->vf.trust) &&
	    !ether_addr_equal(sa->sa_data, priv->vport->vf.mac))
		return -EPERM;
	err = iovnic_vport_set_mac(priv->vport, sa->sa_data);
	if (err)
		return err;
	eth_hw_addr_set(dev, sa->sa_data);
	return 0;
}

/* The PF changed a VF's MAC: the VF netdev follows, wherever it lives. */
void iovnic_netdev_apply_mac(struct net_device *dev, const u8 *addr)
{
	ASSERT_RTNL();
	if (ether_addr_equal(dev->dev_addr, addr))
		return;
	eth_hw_addr_set(dev, addr);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
}

static void iovnic_set_rx_mode(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	schedule_work(&priv->rx_mode_work);
}

static int iovnic_vlan_rx_add_vid(struct net_device *dev, __be16 proto,
				  u16 vid)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	iovnic_vport_set_vlan(priv->vport, vid, true);
	return 0;
}

static int iovnic_vlan_rx_kill_vid(struct net_device *dev, __be16 proto,
				   u16 vid)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	iovnic_vport_set_vlan(priv->vport, vid, false);
	return 0;
}

static int iovnic_get_port_parent_id(struct net_device *dev,
				     struct netdev_phys_item_id *ppid)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	ppid->id_len = sizeof(priv->hw->switch_id);
	memcpy(ppid->id, priv->hw->switch_id, ppid->id_len);
	return 0;
}

static const struct net_device_ops iovnic_vf_netdev_ops = {
	.ndo_open		= iovnic_open,
	.ndo_stop		= iovnic_stop,
	.ndo_start_xmit		= iovnic_start_xmit,
	.ndo_set_mac_address	= iovnic_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_get_port_parent_id	= iovnic_get_port_parent_id,
	.ndo_set_rx_mode	= iovnic_set_rx_mode,
	.ndo_vlan_rx_add_vid	= iovnic_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= iovnic_vlan_rx_kill_vid,
};

static const struct net_device_ops iovnic_pf_netdev_ops = {
	.ndo_open		= iovnic_open,
	.ndo_stop		= iovnic_stop,
	.ndo_start_xmit		= iovnic_start_xmit,
	.ndo_set_mac_address	= iovnic_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_get_port_parent_id	= iovnic_get_port_parent_id,
	.ndo_set_rx_mode	= iovnic_set_rx_mode,
	.ndo_vlan_rx_add_vid	= iovnic_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= iovnic_vlan_rx_kill_vid,
	.ndo_set_vf_mac		= iovnic_pf_set_vf_mac,
	.ndo_set_vf_vlan	= iovnic_pf_set_vf_vlan,
	.ndo_set_vf_spoofchk	= iovnic_pf_set_vf_spoofchk,
	.ndo_set_vf_trust	= iovnic_pf_set_vf_trust,
	.ndo_set_vf_link_state	= iovnic_pf_set_vf_link_state,
	.ndo_set_vf_rate	= iovnic_pf_set_vf_rate,
	.ndo_get_vf_config	= iovnic_pf_get_vf_config,
	.ndo_get_vf_stats	= iovnic_pf_get_vf_stats,
};

struct net_device *iovnic_netdev_alloc(struct pci_dev *pdev,
				       struct iovnic_hw *hw,
				       struct iovnic_vport *vport,
				       const char *name, bool is_vf)
{
	struct iovnic_priv *priv;
	struct net_device *dev;

	dev = alloc_netdev(sizeof(*priv), name, NET_NAME_PREDICTABLE,
			   ether_setup);
	if (!dev)
		return NULL;
	priv = netdev_priv(dev);
	priv->netdev = dev;
	priv->pdev = pdev;
	priv->hw = hw;
	priv->vport = vport;
	priv->is_vf = is_vf;

	SET_NETDEV_DEV(dev, &pdev->dev);
	dev->netdev_ops = is_vf ? &iovnic_vf_netdev_ops : &iovnic_pf_netdev_ops;
	dev->ethtool_ops = &iovnic_ethtool_ops;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_UNICAST_FLT;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->hw_features;
	/* tags travel out of band; the switch filters on (MAC, VLAN) */
	dev->features = dev->hw_features | NETIF_F_HW_VLAN_CTAG_TX |
			NETIF_F_HW_VLAN_STAG_TX | NETIF_F_HW_VLAN_CTAG_RX |
			NETIF_F_HW_VLAN_STAG_RX | NETIF_F_HW_VLAN_CTAG_FILTER |
			NETIF_F_HW_VLAN_STAG_FILTER;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 9000;

	if (is_vf && vport->vf.mac_set)
		eth_hw_addr_set(dev, vport->vf.mac);
	else
		eth_hw_addr_random(dev);

	INIT_WORK(&priv->rx_mode_work, iovnic_rx_mode_work);
	netif_napi_add(dev, &priv->napi, iovnic_poll);
	netif_carrier_off(dev);
	return dev;
}

int iovnic_netdev_register(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	int err;

	/* one MSI vector for the queue pair; without one NAPI is kicked */
	err = pci_alloc_irq_vectors(priv->pdev, 1, 1, PCI_IRQ_MSI);
	if (err < 0)
		dev_warn(&priv->pdev->dev, "no MSI vector (%d)\n", err);
	else
		priv->irq = pci_irq_vector(priv->pdev, 0);

	err = iovnic_vport_attach(priv->vport, dev, &priv->napi);
	if (err)
		goto err_irq;
	err = register_netdev(dev);
	if (err)
		goto err_detach;
	return 0;

err_detach:
	iovnic_vport_detach(priv->vport);
err_irq:
	pci_free_irq_vectors(priv->pdev);
	return err;
}

void iovnic_netdev_unregister(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	unregister_netdev(dev);
	cancel_work_sync(&priv->rx_mode_work);
	iovnic_vport_detach(priv->vport);
	pci_free_irq_vectors(priv->pdev);
}
