// SPDX-License-Identifier: GPL-2.0
/*
 * VF representors (switchdev mode): one netdev per VF, named
 * iovnic<P>pf0vf<N>, with phys_port_name pf0vf<N> and the PF's switch id
 * from its devlink port.  What the VF sends that no offloaded rule takes
 * is received here; what is sent here goes to the VF.  ip -s link counts
 * that slow path (also as the CPU-hit offload statistics); ethtool -S
 * shows the VF's own counters, as the switch keeps them.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

/*
 * NAPI poll of a queue without a vector (a representor's, the port
 * netdev's, a synthetic NIC's): hand what the ring holds to @dev's stack
 * (through GRO if @dev owns @napi), count it in @stats, re-arm when done.
 */
int iovnic_ring_poll(struct napi_struct *napi, int budget,
		     struct iovnic_queue *q, struct net_device *dev,
		     struct iovnic_rep_stats __percpu *stats)
{
	struct iovnic_rep_stats *s;
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
		if (likely(dev == napi->dev))
			napi_gro_receive(napi, skb);
		else
			netif_receive_skb(skb);	/* GRO holds no other's */
		done++;
	}
	s = this_cpu_ptr(stats);
	u64_stats_update_begin(&s->syncp);
	s->rx_packets += done;
	s->rx_bytes += bytes;
	u64_stats_update_end(&s->syncp);
	if (done < budget && napi_complete_done(napi, done))
		iovnic_queue_irq_rearm(q);
	return done;
}

/* A frame of @len sent on such a netdev, in @stats. */
void iovnic_ring_count_tx(struct iovnic_rep_stats __percpu *stats,
			  unsigned int len)
{
	struct iovnic_rep_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

/* Such a netdev's counters; @q's ring_full as rx_missed_errors. */
void iovnic_ring_fill_stats(struct iovnic_rep_stats __percpu *stats,
			    struct iovnic_queue *q, struct rtnl_link_stats64 *st)
{
	struct iovnic_rep_stats sum;

	memset(&sum, 0, sizeof(sum));
	iovnic_stats_sum(stats, IOVNIC_REP_NSTATS, (u64 *)&sum);
	st->rx_packets = sum.rx_packets;
	st->rx_bytes = sum.rx_bytes;
	st->tx_packets = sum.tx_packets;
	st->tx_bytes = sum.tx_bytes;
	st->rx_missed_errors = atomic64_read(&q->ring_full);
}

static int iovnic_rep_poll(struct napi_struct *napi, int budget)
{
	struct iovnic_rep *rep = container_of(napi, struct iovnic_rep, napi);

	return iovnic_ring_poll(napi, budget, &rep->vport->rep_q, rep->netdev,
				rep->stats);
}

static void iovnic_rep_notify(void *ctx)
{
	struct iovnic_rep *rep = ctx;

	napi_schedule(&rep->napi);
}

static int iovnic_rep_open(struct net_device *dev)
{
	struct iovnic_rep *rep = netdev_priv(dev);

	napi_enable(&rep->napi);
	iovnic_esw_rep_rx_start(rep->vport);
	netif_carrier_on(dev);
	return 0;
}

static int iovnic_rep_stop(struct net_device *dev)
{
	struct iovnic_rep *rep = netdev_priv(dev);

	netif_carrier_off(dev);
	iovnic_esw_rep_rx_stop(rep->vport);
	napi_disable(&rep->napi);
	return 0;
}

static netdev_tx_t iovnic_rep_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct iovnic_rep *rep = netdev_priv(dev);
	unsigned int len = skb->len;

	iovnic_esw_rep_xmit(rep->vport, skb);
	iovnic_ring_count_tx(rep->stats, len);
	return NETDEV_TX_OK;
}

static void iovnic_rep_fill_stats(struct iovnic_rep *rep,
				  struct rtnl_link_stats64 *st)
{
	iovnic_ring_fill_stats(rep->stats, &rep->vport->rep_q, st);
}

static void iovnic_rep_get_stats64(struct net_device *dev,
				   struct rtnl_link_stats64 *st)
{
	iovnic_rep_fill_stats(netdev_priv(dev), st);
}

/* What went through the CPU: all a representor carries. */
static bool iovnic_rep_has_offload_stats(const struct net_device *dev,
					 int attr_id)
{
	return attr_id == IFLA_OFFLOAD_XSTATS_CPU_HIT;
}

static int iovnic_rep_get_offload_stats(int attr_id,
					const struct net_device *dev,
					void *sp)
{
	if (attr_id != IFLA_OFFLOAD_XSTATS_CPU_HIT)
		return -EINVAL;
	iovnic_rep_fill_stats(netdev_priv(dev), sp);
	return 0;
}

static int iovnic_rep_change_mtu(struct net_device *dev, int mtu)
{
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

static const struct net_device_ops iovnic_rep_netdev_ops = {
	.ndo_open		= iovnic_rep_open,
	.ndo_stop		= iovnic_rep_stop,
	.ndo_start_xmit		= iovnic_rep_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= iovnic_rep_get_stats64,
	.ndo_has_offload_stats	= iovnic_rep_has_offload_stats,
	.ndo_get_offload_stats	= iovnic_rep_get_offload_stats,
	.ndo_change_mtu		= iovnic_rep_change_mtu,
	.ndo_setup_tc		= iovnic_tc_setup,
	IOVNIC_COMPAT_NDO_GET_DEVLINK_PORT
};

bool iovnic_is_rep_netdev(const struct net_device *dev)
{
	return dev->netdev_ops == &iovnic_rep_netdev_ops;
}

static void iovnic_rep_get_drvinfo(struct net_device *dev,
				   struct ethtool_drvinfo *info)
{
	struct iovnic_rep *rep = netdev_priv(dev);

	strscpy(info->driver, IOVNIC_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(rep->pf->pdev),
		sizeof(info->bus_info));
}

/* The VF's vport counters, as the switch keeps them (mlx5's vport_*). */
static const char iovnic_rep_stat_names[][ETH_GSTRING_LEN] = {
	"vport_rx_packets", "vport_rx_bytes", "vport_rx_dropped",
	"vport_tx_packets", "vport_tx_bytes", "vport_tx_dropped",
	"vport_broadcast", "vport_multicast", "rep_rx_missed",
};

static int iovnic_rep_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(iovnic_rep_stat_names) :
				      -EOPNOTSUPP;
}

static void iovnic_rep_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, iovnic_rep_stat_names,
		       sizeof(iovnic_rep_stat_names));
}

static void iovnic_rep_get_ethtool_stats(struct net_device *dev,
					 struct ethtool_stats *stats,
					 u64 *data)
{
	struct iovnic_rep *rep = netdev_priv(dev);
	struct iovnic_vport_stats vs;

	iovnic_vport_get_stats(rep->vport, &vs);
	data[0] = vs.rx_packets;
	data[1] = vs.rx_bytes;
	data[2] = vs.rx_dropped;
	data[3] = vs.tx_packets;
	data[4] = vs.tx_bytes;
	data[5] = vs.tx_dropped;
	data[6] = vs.broadcast;
	data[7] = vs.multicast;
	data[8] = atomic64_read(&rep->vport->rep_q.ring_full);
}

static const struct ethtool_ops iovnic_rep_ethtool_ops = {
	.get_drvinfo		= iovnic_rep_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= iovnic_rep_get_sset_count,
	.get_strings		= iovnic_rep_get_strings,
	.get_ethtool_stats	= iovnic_rep_get_ethtool_stats,
};

/*
 * The representor of VF @vf, on its devlink port @dl_port.  Under the
 * devlink instance lock; takes RTNL to register.
 */
struct iovnic_rep *iovnic_rep_create(struct iovnic_pf *pf, u16 vf,
				     struct devlink_port *dl_port)
{
	struct iovnic_vport *vport = &pf->hw->vports[IOVNIC_VF_VPORT(vf)];
	struct net_device *dev;
	struct iovnic_rep *rep;
	char name[IFNAMSIZ + 8];	/* PF 0-7, VF 0-254: 15 at most */
	int err;

	snprintf(name, sizeof(name), "iovnic%upf0vf%u", pf->hw->index, vf);
	dev = alloc_netdev(sizeof(*rep), name, NET_NAME_PREDICTABLE,
			   ether_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	rep = netdev_priv(dev);
	rep->netdev = dev;
	rep->pf = pf;
	rep->vport = vport;
	rep->dl_port = dl_port;
	rep->stats = netdev_alloc_pcpu_stats(struct iovnic_rep_stats);
	if (!rep->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	err = iovnic_esw_rep_init(vport, iovnic_rep_notify, rep);
	if (err)
		goto err_stats;

	SET_NETDEV_DEV(dev, &pf->pdev->dev);
	dev->netdev_ops = &iovnic_rep_netdev_ops;
	dev->ethtool_ops = &iovnic_rep_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE |
			   NETIF_F_HW_TC;
	dev->features = dev->hw_features;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	iovnic_compat_set_lltx(dev);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 9000;
	eth_hw_addr_random(dev);
	netif_napi_add(dev, &rep->napi, iovnic_rep_poll);
	iovnic_compat_netdev_set_dl_port(dev, dl_port);
	netif_carrier_off(dev);

	err = register_netdev(dev);
	if (err)
		goto err_napi;
	iovnic_compat_dl_port_linked(dl_port, dev);
	return rep;

err_napi:
	netif_napi_del(&rep->napi);
	iovnic_esw_rep_fini(vport);
err_stats:
	free_percpu(rep->stats);
err_free:
	free_netdev(dev);
	return ERR_PTR(err);
}

/*
 * The netdev goes (its own ingress rules with its qdisc), then the rules
 * of other ports that send to it.  Under the devlink instance lock.
 */
void iovnic_rep_destroy(struct iovnic_rep *rep)
{
	struct net_device *dev = rep->netdev;
	struct iovnic_vport *vport = rep->vport;

	iovnic_compat_dl_port_unlink(rep->dl_port);
	unregister_netdev(dev);
	iovnic_flow_flush_port(vport->hw, vport->idx);
	netif_napi_del(&rep->napi);
	iovnic_esw_rep_fini(vport);
	free_percpu(rep->stats);
	free_netdev(dev);
}
