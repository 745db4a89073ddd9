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
	struct iovnic_rxq *rxq = container_of(napi, struct iovnic_rxq, napi);
	struct iovnic_priv *priv = rxq->priv;
	struct net_device *dev = priv->netdev;
	struct iovnic_queue *q = rxq->q;
	struct iovnic_qstats *s;
	unsigned int bytes = 0;
	struct sk_buff *skb;
	int done = 0;

	while (done < budget) {
		skb = __ptr_ring_consume(&q->ring);
		if (!skb)
			break;
		bytes += skb->len;
		skb->protocol = eth_type_trans(skb, dev);
		skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
		skb_record_rx_queue(skb, q->idx);
		napi_gro_receive(napi, skb);
		done++;
	}

	s = this_cpu_ptr(priv->qstats) + q->idx;
	u64_stats_update_begin(&s->syncp);
	s->polls++;
	s->rx_packets += done;
	s->rx_bytes += bytes;
	u64_stats_update_end(&s->syncp);

	if (done < budget && napi_complete_done(napi, done))
		iovnic_queue_irq_rearm(q);
	return done;
}

static irqreturn_t iovnic_irq(int irq, void *data)
{
	struct iovnic_rxq *rxq = data;

	napi_schedule_irqoff(&rxq->napi);
	return IRQ_HANDLED;
}

/*
 * The queue's vector, named after the netdev and queue as real drivers do,
 * with a default affinity that spreads vports and queues over the CPUs.
 */
static int iovnic_irq_request(struct iovnic_rxq *rxq)
{
	struct iovnic_priv *priv = rxq->priv;
	unsigned int cpu;
	int err;

	if (!rxq->irq)
		return 0;
	snprintf(rxq->irq_name, sizeof(rxq->irq_name), "%s-TxRx-%u",
		 priv->netdev->name, rxq->q->idx);
	err = request_irq(rxq->irq, iovnic_irq, 0, rxq->irq_name, rxq);
	if (err)
		return err;
	cpu = cpumask_local_spread(priv->vport->idx + rxq->q->idx,
				   NUMA_NO_NODE);
	irq_set_affinity_and_hint(rxq->irq, cpumask_of(cpu));
	iovnic_queue_irq_set(rxq->q, rxq->irq);
	return 0;
}

static void iovnic_irq_release(struct iovnic_rxq *rxq)
{
	if (!rxq->irq)
		return;
	iovnic_queue_irq_set(rxq->q, 0);
	irq_update_affinity_hint(rxq->irq, NULL);
	free_irq(rxq->irq, rxq);
}

/*
 * Set up queue pairs [from, to): each gets a ring in the device, a NAPI
 * instance and a vector (queue 0 the function's MSI, the others one of the
 * device's queue vectors).
 */
static int iovnic_queues_add(struct iovnic_priv *priv, unsigned int from,
			     unsigned int to)
{
	struct iovnic_rxq *rxq;
	unsigned int i;
	int err;

	for (i = from; i < to; i++) {
		rxq = &priv->rxq[i];
		rxq->priv = priv;
		rxq->q = &priv->vport->queues[i];
		err = iovnic_queue_init(rxq->q, &rxq->napi);
		if (err)
			goto err;
		if (i) {
			rxq->irq = iovnic_irq_alloc_queue(priv->hw);
			if (rxq->irq < 0) {
				err = rxq->irq;
				rxq->irq = 0;
				iovnic_queue_fini(rxq->q);
				goto err;
			}
		}
		netif_napi_add(priv->netdev, &rxq->napi, iovnic_poll);
		priv->num_queues = i + 1;
	}
	return 0;

err:
	netdev_err(priv->netdev, "queue %u: %d\n", i, err);
	return err;
}

static void iovnic_queues_del(struct iovnic_priv *priv, unsigned int from)
{
	struct iovnic_rxq *rxq;
	unsigned int i;

	for (i = priv->num_queues; i-- > from;) {
		rxq = &priv->rxq[i];
		netif_napi_del(&rxq->napi);
		if (i && rxq->irq)
			iovnic_irq_free_queue(rxq->irq);
		rxq->irq = 0;
		iovnic_queue_fini(rxq->q);
	}
	priv->num_queues = min(priv->num_queues, from);
}

/* Stop receiving: no frame enters a ring after this; the rings are empty. */
static void iovnic_rxqs_stop(struct iovnic_priv *priv)
{
	struct iovnic_qstats *s;
	struct iovnic_rxq *rxq;
	unsigned int i, n;

	iovnic_vport_rx_stop(priv->vport);
	for (i = 0; i < priv->num_queues; i++) {
		rxq = &priv->rxq[i];
		iovnic_compat_napi_link(priv->netdev, i, NULL, 0);
		napi_disable(&rxq->napi);
		iovnic_irq_release(rxq);
		n = iovnic_queue_rx_purge(rxq->q);
		if (!n)
			continue;
		s = get_cpu_ptr(priv->qstats) + i;
		u64_stats_update_begin(&s->syncp);
		s->rx_dropped += n;
		u64_stats_update_end(&s->syncp);
		put_cpu_ptr(priv->qstats);
	}
}

static int iovnic_rxqs_start(struct iovnic_priv *priv)
{
	struct iovnic_rxq *rxq;
	unsigned int i;
	int err;

	for (i = 0; i < priv->num_queues; i++) {
		rxq = &priv->rxq[i];
		err = iovnic_irq_request(rxq);
		if (err)
			goto err;
		napi_enable(&rxq->napi);
		iovnic_compat_napi_link(priv->netdev, i, &rxq->napi, rxq->irq);
		iovnic_queue_rx_start(rxq->q);
	}
	iovnic_vport_rx_start(priv->vport);
	return 0;

err:
	while (i--) {
		rxq = &priv->rxq[i];
		iovnic_compat_napi_link(priv->netdev, i, NULL, 0);
		napi_disable(&rxq->napi);
		iovnic_irq_release(rxq);
	}
	iovnic_vport_rx_stop(priv->vport);
	return err;
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

	err = iovnic_rxqs_start(priv);
	if (err)
		return err;
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
	iovnic_rxqs_stop(priv);
	return 0;
}

/*
 * ethtool -L: @n queue pairs.  A running device stops receiving for the
 * change; what its rings held is dropped and counted.  Under RTNL.
 */
int iovnic_netdev_set_queues(struct net_device *dev, unsigned int n)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport *vport = priv->vport;
	bool running = netif_running(dev);
	unsigned int old = priv->num_queues;
	int err, err2;

	if (n == old)
		return 0;
	if (running)
		iovnic_rxqs_stop(priv);
	if (n > old) {
		err = iovnic_queues_add(priv, old, n);
		if (err)
			iovnic_queues_del(priv, old);
	} else {
		iovnic_queues_del(priv, n);
		err = 0;
	}
	n = priv->num_queues;
	WARN_ON(netif_set_real_num_tx_queues(dev, n));
	WARN_ON(netif_set_real_num_rx_queues(dev, n));
	if (!netif_is_rxfh_configured(dev))
		iovnic_vport_rss_default(vport, n);
	WRITE_ONCE(vport->num_queues, n);
	if (running) {
		err2 = iovnic_rxqs_start(priv);
		if (err2)
			netdev_err(dev, "cannot restart receive: %d\n", err2);
		err = err ?: err2;
	}
	return err;
}

/* ethtool -G rx: resize every ring; on failure nothing changes. */
int iovnic_netdev_set_ring(struct net_device *dev, u32 size)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport *vport = priv->vport;
	bool running = netif_running(dev);
	u32 old = vport->ring_size;
	unsigned int i;
	int err = 0;

	if (size == old)
		return 0;
	if (running)
		iovnic_rxqs_stop(priv);
	for (i = 0; i < priv->num_queues && !err; i++)
		err = iovnic_queue_resize(&vport->queues[i], size);
	if (err)	/* the rings are empty: shrinking back cannot fail */
		while (i--)
			iovnic_queue_resize(&vport->queues[i], old);
	else
		vport->ring_size = size;
	if (running && iovnic_rxqs_start(priv))
		netdev_err(dev, "cannot restart receive\n");
	return err;
}

/* Sum of queue pair @q's counters over the CPUs. */
void iovnic_netdev_queue_stats(struct net_device *dev, unsigned int q,
			       struct iovnic_qstats *sum)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	memset(sum, 0, sizeof(*sum));
	iovnic_stats_sum(priv->qstats + q, IOVNIC_QSTATS_N, (u64 *)sum);
}

/*
 * Queue pairs of the past count too: the totals never go backwards.  Frames
 * the switch found no room for in a queue's ring are missed, as a NIC
 * counts frames it had no receive buffer for.
 */
static void iovnic_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *st)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_qstats q;
	unsigned int i;

	for (i = 0; i < priv->vport->max_queues; i++) {
		iovnic_netdev_queue_stats(dev, i, &q);
		st->rx_packets += q.rx_packets;
		st->rx_bytes += q.rx_bytes;
		st->rx_dropped += q.rx_dropped;
		st->rx_missed_errors +=
			atomic64_read(&priv->vport->queues[i].ring_full);
		st->tx_packets += q.tx_packets;
		st->tx_bytes += q.tx_bytes;
	}
}

static netdev_tx_t iovnic_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_qstats *s;

	s = this_cpu_ptr(priv->qstats) + skb_get_queue_mapping(skb);
	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += skb->len;
	u64_stats_update_end(&s->syncp);
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
	.ndo_get_stats64	= iovnic_get_stats64,
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
	.ndo_get_stats64	= iovnic_get_stats64,
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
	unsigned int nq = vport->max_queues;
	struct iovnic_priv *priv;
	struct net_device *dev;
	int cpu, i;

	dev = alloc_netdev_mqs(struct_size(priv, rxq, nq), name,
			       NET_NAME_PREDICTABLE, ether_setup, nq, nq);
	if (!dev)
		return NULL;
	priv = netdev_priv(dev);
	priv->netdev = dev;
	priv->pdev = pdev;
	priv->hw = hw;
	priv->vport = vport;
	priv->is_vf = is_vf;
	priv->qstats = __alloc_percpu(nq * sizeof(*priv->qstats),
				      __alignof__(*priv->qstats));
	if (!priv->qstats) {
		free_netdev(dev);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		for (i = 0; i < nq; i++)
			u64_stats_init(&(per_cpu_ptr(priv->qstats, cpu) + i)->syncp);

	SET_NETDEV_DEV(dev, &pdev->dev);
	dev->netdev_ops = is_vf ? &iovnic_vf_netdev_ops : &iovnic_pf_netdev_ops;
	dev->ethtool_ops = &iovnic_ethtool_ops;
	iovnic_compat_set_stat_ops(dev);
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_UNICAST_FLT;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->hw_features;
	/* the PF hashes flows over its queues, and steers by MAC to them */
	if (!is_vf)
		dev->hw_features |= NETIF_F_RXHASH;
	/* tags travel out of band; the switch filters on (MAC, VLAN) */
	dev->features = dev->hw_features | NETIF_F_HW_VLAN_CTAG_TX |
			NETIF_F_HW_VLAN_STAG_TX | NETIF_F_HW_VLAN_CTAG_RX |
			NETIF_F_HW_VLAN_STAG_RX | NETIF_F_HW_VLAN_CTAG_FILTER |
			NETIF_F_HW_VLAN_STAG_FILTER;
	if (!is_vf)
		dev->features |= NETIF_F_NTUPLE;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 9000;

	if (is_vf && vport->vf.mac_set)
		eth_hw_addr_set(dev, vport->vf.mac);
	else
		eth_hw_addr_random(dev);

	INIT_WORK(&priv->rx_mode_work, iovnic_rx_mode_work);
	netif_carrier_off(dev);
	return dev;
}

void iovnic_netdev_free(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	free_percpu(priv->qstats);
	free_netdev(dev);
}

int iovnic_netdev_register(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	unsigned int n = 1;
	int err;

	/* queue 0's MSI vector; without one NAPI is kicked directly */
	err = pci_alloc_irq_vectors(priv->pdev, 1, 1, PCI_IRQ_MSI);
	if (err < 0)
		dev_warn(&priv->pdev->dev, "no MSI vector (%d)\n", err);
	else
		priv->rxq[0].irq = pci_irq_vector(priv->pdev, 0);

	if (!priv->is_vf)
		n = iovnic_num_queues ?: min(num_online_cpus(),
					      IOVNIC_MAX_QUEUES);
	err = iovnic_queues_add(priv, 0, n);
	if (err)
		goto err_queues;
	netif_set_real_num_tx_queues(dev, n);
	netif_set_real_num_rx_queues(dev, n);
	priv->vport->num_queues = n;
	iovnic_vport_rss_default(priv->vport, n);

	err = iovnic_vport_attach(priv->vport, dev);
	if (err)
		goto err_queues;
	err = register_netdev(dev);
	if (err)
		goto err_detach;
	return 0;

err_detach:
	iovnic_vport_detach(priv->vport);
err_queues:
	iovnic_queues_del(priv, 0);
	pci_free_irq_vectors(priv->pdev);
	return err;
}

void iovnic_netdev_unregister(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	unregister_netdev(dev);
	cancel_work_sync(&priv->rx_mode_work);
	iovnic_vport_detach(priv->vport);
	iovnic_queues_del(priv, 0);
	pci_free_irq_vectors(priv->pdev);
}
