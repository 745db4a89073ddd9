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

/* Frames arrived on a queue that raises no vector of its own. */
static void iovnic_rxq_notify(void *ctx)
{
	struct iovnic_rxq *rxq = ctx;

	napi_schedule(&rxq->napi);
}

/* A queue's vector: its dev_id is the NAPI instance it schedules. */
static irqreturn_t iovnic_irq(int irq, void *data)
{
	napi_schedule_irqoff(data);
	return IRQ_HANDLED;
}

/*
 * @irq becomes @q's vector for @napi, named after the netdev and queue as
 * real drivers do (<dev>-TxRx-<q>, in @name), on the CPU that @spread picks
 * (spreading vports and queues over the CPUs).  For the PF and VF queues
 * and the port netdev.  Under RTNL, @q stopped.
 */
int iovnic_napi_irq_request(struct napi_struct *napi, struct iovnic_queue *q,
			    int irq, char *name, size_t len,
			    unsigned int spread)
{
	unsigned int cpu = cpumask_local_spread(spread, NUMA_NO_NODE);
	int err;

	snprintf(name, len, "%s-TxRx-%u", napi->dev->name, q->idx);
	err = request_irq(irq, iovnic_irq, 0, name, napi);
	if (err)
		return err;
	irq_set_affinity_and_hint(irq, cpumask_of(cpu));
	iovnic_queue_irq_set(q, irq);
	return 0;
}

void iovnic_napi_irq_release(struct napi_struct *napi, struct iovnic_queue *q,
			     int irq)
{
	iovnic_queue_irq_set(q, 0);
	irq_update_affinity_hint(irq, NULL);
	free_irq(irq, napi);
}

static int iovnic_irq_request(struct iovnic_rxq *rxq)
{
	if (!rxq->irq)
		return 0;
	return iovnic_napi_irq_request(&rxq->napi, rxq->q, rxq->irq,
				       rxq->irq_name, sizeof(rxq->irq_name),
				       rxq->priv->vport->idx + rxq->q->idx);
}

static void iovnic_irq_release(struct iovnic_rxq *rxq)
{
	if (rxq->irq)
		iovnic_napi_irq_release(&rxq->napi, rxq->q, rxq->irq);
}

/*
 * Queue pair @i's resources, which live as long as the pair is in use,
 * up or down: its ring in the device, its vector (queue 0 uses the
 * function's MSI, the others one of the device's queue vectors) and its
 * NAPI instance.
 */
static int iovnic_rxq_setup(struct iovnic_priv *priv, unsigned int i)
{
	struct iovnic_rxq *rxq = &priv->rxq[i];
	int err;

	rxq->priv = priv;
	rxq->q = &priv->vport->queues[i];
	err = iovnic_queue_init(rxq->q, iovnic_rxq_notify, rxq);
	if (err)
		return err;
	if (i) {
		rxq->irq = iovnic_irq_alloc_queue(priv->hw);
		if (rxq->irq < 0) {
			err = rxq->irq;
			rxq->irq = 0;
			iovnic_queue_fini(rxq->q);
			return err;
		}
	}
	netif_napi_add(priv->netdev, &rxq->napi, iovnic_poll);
	return 0;
}

static void iovnic_rxq_teardown(struct iovnic_priv *priv, unsigned int i)
{
	struct iovnic_rxq *rxq = &priv->rxq[i];

	netif_napi_del(&rxq->napi);
	if (i && rxq->irq) {
		iovnic_irq_free_queue(rxq->irq);
		rxq->irq = 0;
	}
	iovnic_queue_fini(rxq->q);
}

static void iovnic_queues_del(struct iovnic_priv *priv, unsigned int from,
			      unsigned int to)
{
	while (to-- > from)
		iovnic_rxq_teardown(priv, to);
}

/* Queue pairs [from, to), all or none. */
static int iovnic_queues_add(struct iovnic_priv *priv, unsigned int from,
			     unsigned int to)
{
	unsigned int i;
	int err;

	for (i = from; i < to; i++) {
		err = iovnic_rxq_setup(priv, i);
		if (err) {
			netdev_err(priv->netdev, "queue %u: %d\n", i, err);
			iovnic_queues_del(priv, from, i);
			return err;
		}
	}
	return 0;
}

static void iovnic_irqs_release(struct iovnic_priv *priv, unsigned int from,
				unsigned int to)
{
	while (to-- > from)
		iovnic_irq_release(&priv->rxq[to]);
}

/* The vectors of queue pairs [from, to), all or none. */
static int iovnic_irqs_request(struct iovnic_priv *priv, unsigned int from,
			       unsigned int to)
{
	unsigned int i;
	int err;

	for (i = from; i < to; i++) {
		err = iovnic_irq_request(&priv->rxq[i]);
		if (err) {
			iovnic_irqs_release(priv, from, i);
			return err;
		}
	}
	return 0;
}

/* Receive on queue pairs [0, n): NAPI on, vectors armed.  Cannot fail. */
static void iovnic_rx_enable(struct iovnic_priv *priv, unsigned int n)
{
	struct iovnic_rxq *rxq;
	unsigned int i;

	for (i = 0; i < n; i++) {
		rxq = &priv->rxq[i];
		napi_enable(&rxq->napi);
		iovnic_compat_napi_link(priv->netdev, i, &rxq->napi, rxq->irq);
		iovnic_queue_rx_start(rxq->q);
	}
	iovnic_vport_rx_start(priv->vport);
}

/*
 * Stop receiving on queue pairs [0, n): no frame enters a ring after
 * this, NAPI is off, and what the rings held is dropped and counted.
 */
static void iovnic_rx_disable(struct iovnic_priv *priv, unsigned int n)
{
	struct iovnic_qstats *s;
	struct iovnic_rxq *rxq;
	unsigned int i, dropped;

	iovnic_vport_rx_stop(priv->vport);
	for (i = 0; i < n; i++) {
		rxq = &priv->rxq[i];
		iovnic_compat_napi_link(priv->netdev, i, NULL, 0);
		napi_disable(&rxq->napi);
		dropped = iovnic_queue_rx_purge(rxq->q);
		if (!dropped)
			continue;
		s = get_cpu_ptr(priv->qstats) + i;
		u64_stats_update_begin(&s->syncp);
		s->rx_dropped += dropped;
		u64_stats_update_end(&s->syncp);
		put_cpu_ptr(priv->qstats);
	}
}

/*
 * Carrier from the vport's link state; a PF enables or disables its port
 * (both cable ends may change), which tells every vport.
 */
static void iovnic_link_changed(struct iovnic_priv *priv, bool up)
{
	if (priv->is_vf) {
		mutex_lock(&priv->hw->lock);
		iovnic_vport_update_link(priv->vport);
		mutex_unlock(&priv->hw->lock);
	} else {
		iovnic_wire_port_enable(priv->hw, up);
	}
}

/* The device's event: the vport's link changed.  hw->lock held. */
static void iovnic_vport_link_changed(void *owner, bool up)
{
	struct iovnic_priv *priv = owner;

	if (!netif_running(priv->netdev))
		return;
	if (up)
		netif_carrier_on(priv->netdev);
	else
		netif_carrier_off(priv->netdev);
}

static int iovnic_open(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	int err;

	err = iovnic_irqs_request(priv, 0, priv->num_queues);
	if (err)
		return err;
	iovnic_rx_enable(priv, priv->num_queues);
	iovnic_link_changed(priv, true);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int iovnic_stop(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	netif_tx_stop_all_queues(dev);
	netif_carrier_off(dev);
	if (!priv->is_vf)
		iovnic_wire_port_enable(priv->hw, false);
	iovnic_rx_disable(priv, priv->num_queues);
	iovnic_irqs_release(priv, 0, priv->num_queues);
	return 0;
}

/* The queue pairs in use are [0, n) from now on. */
static void iovnic_queues_publish(struct iovnic_priv *priv, unsigned int n)
{
	priv->num_queues = n;
	if (!netif_is_rxfh_configured(priv->netdev))
		iovnic_vport_rss_default(priv->vport, n);
	WRITE_ONCE(priv->vport->num_queues, n);
}

/*
 * ethtool -L: @n queue pairs.  Everything that can fail (rings, vectors,
 * NAPI instances, the stack's queue objects) is set up before the running
 * configuration is touched; on an error the old one keeps running and the
 * errno reaches the user.  A running device stops receiving for the
 * swap; what its rings held is dropped and counted.  Under RTNL.
 */
int iovnic_netdev_set_queues(struct net_device *dev, unsigned int n)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	bool running = netif_running(dev);
	unsigned int old = priv->num_queues;
	int err;

	ASSERT_RTNL();
	if (n == old)
		return 0;
	if (n < old) {
		if (running)
			iovnic_rx_disable(priv, old);
		/* shrinking frees the stack's queue objects: cannot fail */
		netif_set_real_num_tx_queues(dev, n);
		netif_set_real_num_rx_queues(dev, n);
		iovnic_queues_publish(priv, n);
		if (running) {
			iovnic_irqs_release(priv, n, old);
			iovnic_rx_enable(priv, n);
		}
		iovnic_queues_del(priv, n, old);
		return 0;
	}

	err = iovnic_queues_add(priv, old, n);
	if (err)
		return err;
	if (running) {
		err = iovnic_irqs_request(priv, old, n);
		if (err)
			goto err_queues;
	}
	err = netif_set_real_num_tx_queues(dev, n);
	if (err)
		goto err_irqs;
	err = netif_set_real_num_rx_queues(dev, n);
	if (err) {
		netif_set_real_num_tx_queues(dev, old);
		goto err_irqs;
	}
	if (running)
		iovnic_rx_disable(priv, old);
	iovnic_queues_publish(priv, n);
	if (running)
		iovnic_rx_enable(priv, n);
	return 0;

err_irqs:
	if (running)
		iovnic_irqs_release(priv, old, n);
err_queues:
	iovnic_queues_del(priv, old, n);
	return err;
}

/*
 * ethtool -G rx: every ring gets the new size, or, on failure, none does;
 * the device keeps receiving on the old rings then.
 */
int iovnic_netdev_set_ring(struct net_device *dev, u32 size)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	unsigned int n = priv->num_queues;
	int err;

	ASSERT_RTNL();
	if (size == priv->vport->ring_size)
		return 0;
	if (!netif_running(dev))
		return iovnic_vport_resize_rings(priv->vport, n, size);
	iovnic_rx_disable(priv, n);
	err = iovnic_vport_resize_rings(priv->vport, n, size);
	iovnic_rx_enable(priv, n);
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
 * Each frame is counted once.  Transmitted: what the switch accepted
 * (each queue counts its own); what it refused (spoofed, over the rate,
 * a refused tag, link down) is tx_dropped.  Received: what NAPI took from
 * the rings; rx_dropped is what the switch could not give the vport
 * (link down, not polling) plus what the rings held when they stopped;
 * frames the switch found no room for in a ring are missed, as a NIC
 * counts frames it had no receive buffer for.  Queue pairs of the past
 * count too: the totals never go backwards.
 */
static void iovnic_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *st)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport_stats vs;
	struct iovnic_qstats q;
	unsigned int i;

	for (i = 0; i < priv->vport->max_queues; i++) {
		iovnic_netdev_queue_stats(dev, i, &q);
		st->rx_packets += q.rx_packets;
		st->rx_bytes += q.rx_bytes;
		st->rx_dropped += q.rx_dropped;
		st->tx_packets += q.tx_packets;
		st->tx_bytes += q.tx_bytes;
	}
	iovnic_vport_get_stats(priv->vport, &vs);
	st->rx_dropped += vs.rx_dropped - vs.rx_ring_full;
	st->rx_missed_errors = vs.rx_ring_full;
	st->tx_dropped = vs.tx_dropped;
	st->multicast = vs.multicast;
}

static netdev_tx_t iovnic_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	unsigned int len = skb->len;
	struct iovnic_qstats *s;
	u16 qidx = skb_get_queue_mapping(skb);

	skb_tx_timestamp(skb);
	if (!iovnic_sw_xmit(priv->vport, skb))
		return NETDEV_TX_OK;	/* counted as dropped by the switch */
	s = this_cpu_ptr(priv->qstats) + qidx;
	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);
	return NETDEV_TX_OK;
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

/*
 * The device's event: the PF set this VF's MAC.  The switch and the VF
 * netdev follow, wherever it lives.  As dev_set_mac_address() does,
 * listeners may veto first, and the address is then an assigned one
 * (addr_assign_type "set"), so udev's MACAddressPolicy leaves it alone.
 * Under RTNL.
 */
static int iovnic_vport_mac_assigned(void *owner, const u8 *addr)
{
	struct iovnic_priv *priv = owner;
	struct net_device *dev = priv->netdev;
	int err;

	ASSERT_RTNL();
	/* its failover found it by this address, and must find it again */
	if (netif_is_failover_slave(dev) &&
	    !ether_addr_equal(dev->perm_addr, addr))
		return -EBUSY;
	if (!ether_addr_equal(dev->dev_addr, addr)) {
		err = dev_pre_changeaddr_notify(dev, addr, NULL);
		if (err)
			return err;
	}
	err = iovnic_vport_set_mac(priv->vport, addr);
	if (err)
		return err;
	dev->addr_assign_type = NET_ADDR_SET;
	/* what the VF reads as its own after a reset (ethtool -P) */
	ether_addr_copy(dev->perm_addr, addr);
	if (ether_addr_equal(dev->dev_addr, addr))
		return 0;
	eth_hw_addr_set(dev, addr);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	return 0;
}

static const struct iovnic_vport_ops iovnic_vport_ops = {
	.link_changed	= iovnic_vport_link_changed,
	.mac_assigned	= iovnic_vport_mac_assigned,
};

/* The longest frame the device may deliver to @dev. */
static u32 iovnic_max_frame(const struct net_device *dev)
{
	return READ_ONCE(dev->mtu) + ETH_HLEN + VLAN_HLEN;
}

static int iovnic_change_mtu(struct net_device *dev, int mtu)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	/* a smaller MTU applies at once; frames in flight may still be big */
	WRITE_ONCE(dev->mtu, mtu);
	iovnic_vport_set_max_frame(priv->vport, iovnic_max_frame(dev));
	return 0;
}

static int iovnic_set_features(struct net_device *dev,
			       netdev_features_t features)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	iovnic_vport_set_rxhash(priv->vport, features & NETIF_F_RXHASH);
	return 0;
}

static void iovnic_copy_addrs(struct netdev_hw_addr_list *list,
			      u8 (*addrs)[ETH_ALEN])
{
	struct netdev_hw_addr *ha;
	unsigned int n = 0;

	netdev_hw_addr_list_for_each(ha, list)
		ether_addr_copy(addrs[n++], ha->addr);
}

/*
 * ndo_set_rx_mode runs under the address list spinlock; the device's
 * filters are changed here, in process context, from a snapshot of the
 * lists.  The snapshot's memory is allocated outside the spinlock
 * (GFP_KERNEL); if it cannot be, the device keeps the last snapshot.
 */
static void iovnic_rx_mode_work(struct work_struct *work)
{
	struct iovnic_priv *priv = container_of(work, struct iovnic_priv,
						rx_mode_work);
	struct net_device *dev = priv->netdev;
	u8 (*uc)[ETH_ALEN] = NULL, (*mc)[ETH_ALEN] = NULL;
	unsigned int uc_count, mc_count;
	bool promisc, allmulti;

	for (;;) {
		netif_addr_lock_bh(dev);
		uc_count = netdev_hw_addr_list_count(&dev->uc);
		mc_count = netdev_hw_addr_list_count(&dev->mc);
		netif_addr_unlock_bh(dev);
		uc = uc_count ? kmalloc_array(uc_count, ETH_ALEN, GFP_KERNEL) :
				NULL;
		mc = mc_count ? kmalloc_array(mc_count, ETH_ALEN, GFP_KERNEL) :
				NULL;
		if ((uc_count && !uc) || (mc_count && !mc)) {
			netdev_warn(dev, "no memory for the address lists\n");
			kfree(uc);
			kfree(mc);
			return;
		}
		netif_addr_lock_bh(dev);
		if (uc_count == netdev_hw_addr_list_count(&dev->uc) &&
		    mc_count == netdev_hw_addr_list_count(&dev->mc))
			break;
		netif_addr_unlock_bh(dev);	/* changed meanwhile */
		kfree(uc);
		kfree(mc);
	}
	iovnic_copy_addrs(&dev->uc, uc);
	iovnic_copy_addrs(&dev->mc, mc);
	promisc = dev->flags & IFF_PROMISC;
	allmulti = dev->flags & IFF_ALLMULTI;
	netif_addr_unlock_bh(dev);

	iovnic_vport_set_rx_mode(priv->vport, uc, uc_count, mc, mc_count,
				 promisc, allmulti);
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

	return iovnic_vport_set_vlan(priv->vport, vid, true);
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

/*
 * 6.1 asks the PF netdev and representors for their devlink port
 * (phys_port_name, switch id): p0, or the VF's port.
 */
struct devlink_port *iovnic_get_devlink_port(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (iovnic_is_rep_netdev(dev))
		return ((struct iovnic_rep *)netdev_priv(dev))->dl_port;
	return &priv->pf->port;
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
	.ndo_change_mtu		= iovnic_change_mtu,
	.ndo_set_features	= iovnic_set_features,
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
	.ndo_set_rx_mode	= iovnic_set_rx_mode,
	.ndo_change_mtu		= iovnic_change_mtu,
	.ndo_set_features	= iovnic_set_features,
	.ndo_vlan_rx_add_vid	= iovnic_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= iovnic_vlan_rx_kill_vid,
	/* switch id and phys_port_name come from the devlink port */
	IOVNIC_COMPAT_NDO_GET_DEVLINK_PORT
	.ndo_setup_tc		= iovnic_tc_setup,
	.ndo_set_vf_mac		= iovnic_pf_set_vf_mac,
	.ndo_set_vf_vlan	= iovnic_pf_set_vf_vlan,
	.ndo_set_vf_spoofchk	= iovnic_pf_set_vf_spoofchk,
	.ndo_set_vf_trust	= iovnic_pf_set_vf_trust,
	.ndo_set_vf_link_state	= iovnic_pf_set_vf_link_state,
	.ndo_set_vf_rate	= iovnic_pf_set_vf_rate,
	.ndo_get_vf_config	= iovnic_pf_get_vf_config,
	.ndo_get_vf_stats	= iovnic_pf_get_vf_stats,
	.ndo_set_vf_rss_query_en = iovnic_pf_set_vf_rss_query_en,
};

bool iovnic_is_pf_netdev(const struct net_device *dev)
{
	return dev->netdev_ops == &iovnic_pf_netdev_ops;
}

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
	/* the switch hands the skb on and the receiver writes it */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/* room for the S-tag an 802.1ad port VLAN pushes */
	dev->needed_headroom = VLAN_HLEN;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->hw_features;
	/*
	 * the PF hashes flows over its queues, and steers by MAC to them;
	 * as the uplink in switchdev mode it offloads TC flower rules
	 */
	if (!is_vf)
		dev->hw_features |= NETIF_F_RXHASH | NETIF_F_HW_TC;
	/* tags travel out of band; the switch filters on (MAC, VLAN) */
	dev->features = dev->hw_features | NETIF_F_HW_VLAN_CTAG_TX |
			NETIF_F_HW_VLAN_STAG_TX | NETIF_F_HW_VLAN_CTAG_RX |
			NETIF_F_HW_VLAN_STAG_RX | NETIF_F_HW_VLAN_CTAG_FILTER |
			NETIF_F_HW_VLAN_STAG_FILTER;
	if (!is_vf)
		dev->features |= NETIF_F_NTUPLE;
	/*
	 * The switch never pushes back (a full ring drops and counts, as a
	 * NIC does), and transmit keeps per-CPU state only: no qdisc and no
	 * transmit lock, as veth and netdevsim.  A qdisc can still be added
	 * (tc qdisc add dev ... root ...).
	 */
	dev->priv_flags |= IFF_NO_QUEUE;
	iovnic_compat_set_lltx(dev);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 9000;

	/* a VF takes the MAC its PF assigned, if any, at registration */
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
		goto err_vectors;
	netif_set_real_num_tx_queues(dev, n);
	netif_set_real_num_rx_queues(dev, n);
	iovnic_queues_publish(priv, n);

	/*
	 * The vport knows the netdev exactly while it is registered.  A MAC
	 * the PF assigned (vf.mac: written under RTNL) is read under RTNL,
	 * in one hold with the attach: a PF setting it meanwhile either
	 * comes first or finds the owner and tells it.  It is the VF's
	 * permanent one, made so once the VF is attached: registering with
	 * a permanent address could pair the VF with a failover
	 * (net_failover.c) and open it before it has a vport.
	 */
	rtnl_lock();
	if (priv->is_vf && priv->vport->vf.mac_set) {
		eth_hw_addr_set(dev, priv->vport->vf.mac);
		dev->addr_assign_type = NET_ADDR_SET;
	}
	err = register_netdevice(dev);
	if (!err) {
		iovnic_vport_set_rxhash(priv->vport,
					dev->features & NETIF_F_RXHASH);
		err = iovnic_vport_attach(priv->vport, &iovnic_vport_ops, priv,
					  dev->dev_addr, iovnic_max_frame(dev));
		if (err)
			unregister_netdevice(dev);
	}
	if (!err && dev->addr_assign_type == NET_ADDR_SET) {
		ether_addr_copy(dev->perm_addr, dev->dev_addr);
		dev->addr_assign_type = NET_ADDR_PERM;
	}
	rtnl_unlock();
	if (err)
		goto err_queues;
	return 0;

err_queues:
	cancel_work_sync(&priv->rx_mode_work);
	iovnic_queues_del(priv, 0, n);
err_vectors:
	pci_free_irq_vectors(priv->pdev);
	return err;
}

void iovnic_netdev_unregister(struct net_device *dev)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	rtnl_lock();
	unregister_netdevice(dev);
	/* no rx mode change is left to apply, nor will one come */
	cancel_work_sync(&priv->rx_mode_work);
	iovnic_vport_detach(priv->vport);
	rtnl_unlock();
	iovnic_queues_del(priv, 0, priv->num_queues);
	pci_free_irq_vectors(priv->pdev);
}
