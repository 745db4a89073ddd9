// SPDX-License-Identifier: GPL-2.0
/* ethtool operations of PF and VF netdevs. */
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <net/netdev_queues.h>

#include "iovnic.h"

static void iovnic_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	strscpy(info->driver, priv->is_vf ? IOVNIC_VF_DRV_NAME :
		IOVNIC_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(priv->pdev), sizeof(info->bus_info));
}

/* The vport's counters as the switch keeps them, in struct order. */
static const char iovnic_vport_stat_names[][ETH_GSTRING_LEN] = {
	"vport_rx_packets",
	"vport_rx_bytes",
	"vport_rx_dropped",
	"vport_tx_packets",
	"vport_tx_bytes",
	"vport_tx_dropped",
	"vport_rx_broadcast",
	"vport_rx_multicast",
	"vport_tx_spoofed",
	"vport_tx_rate_limited",
	"vport_tx_vlan_refused",
	"vport_tx_link_down",
	"vport_rx_link_down",
	"vport_rx_ring_full",
	"vport_rx_not_forwardable",
};

static_assert(ARRAY_SIZE(iovnic_vport_stat_names) == IOVNIC_VPORT_NSTATS);

/* The vport's share of the filter table, and what its quota refused. */
static const char iovnic_filter_stat_names[][ETH_GSTRING_LEN] = {
	"vport_filters",
	"vport_filters_over_quota",
};

/* The PF also shows its physical port. */
static const char iovnic_port_stat_names[][ETH_GSTRING_LEN] = {
	"port_tx_packets",
	"port_tx_bytes",
	"port_rx_packets",
	"port_rx_bytes",
	"port_rx_dropped",
	"switch_filters",
};

/* Then each queue pair in use: rx_queue_<n>_* and tx_queue_<n>_*. */
static const char * const iovnic_queue_stat_fmt[] = {
	"rx_queue_%u_packets",
	"rx_queue_%u_bytes",
	"rx_queue_%u_drops",
	"rx_queue_%u_interrupts",
	"rx_queue_%u_polls",
	"tx_queue_%u_packets",
	"tx_queue_%u_bytes",
};

static int iovnic_get_sset_count(struct net_device *dev, int sset)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return IOVNIC_VPORT_NSTATS + ARRAY_SIZE(iovnic_filter_stat_names) +
	       (priv->is_vf ? 0 : ARRAY_SIZE(iovnic_port_stat_names)) +
	       priv->num_queues * ARRAY_SIZE(iovnic_queue_stat_fmt);
}

static void iovnic_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, iovnic_vport_stat_names, sizeof(iovnic_vport_stat_names));
	data += sizeof(iovnic_vport_stat_names);
	memcpy(data, iovnic_filter_stat_names, sizeof(iovnic_filter_stat_names));
	data += sizeof(iovnic_filter_stat_names);
	if (!priv->is_vf) {
		memcpy(data, iovnic_port_stat_names,
		       sizeof(iovnic_port_stat_names));
		data += sizeof(iovnic_port_stat_names);
	}
	for (q = 0; q < priv->num_queues; q++)
		for (i = 0; i < ARRAY_SIZE(iovnic_queue_stat_fmt); i++)
			ethtool_sprintf(&data, iovnic_queue_stat_fmt[i], q);
}

static void iovnic_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport_stats sum;
	struct iovnic_hw *hw = priv->hw;

	struct iovnic_qstats qs;
	unsigned int q;

	iovnic_vport_get_stats(priv->vport, &sum);
	memcpy(data, &sum, IOVNIC_VPORT_NSTATS * sizeof(u64));
	data += IOVNIC_VPORT_NSTATS;
	*data++ = READ_ONCE(priv->vport->num_filters);
	*data++ = READ_ONCE(priv->vport->filters_refused);
	if (!priv->is_vf) {
		*data++ = atomic64_read(&hw->wire_tx_packets);
		*data++ = atomic64_read(&hw->wire_tx_bytes);
		*data++ = atomic64_read(&hw->wire_rx_packets);
		*data++ = atomic64_read(&hw->wire_rx_bytes);
		*data++ = atomic64_read(&hw->wire_rx_dropped);
		*data++ = READ_ONCE(hw->num_filters);
	}
	for (q = 0; q < priv->num_queues; q++) {
		iovnic_netdev_queue_stats(dev, q, &qs);
		*data++ = qs.rx_packets;
		*data++ = qs.rx_bytes;
		*data++ = qs.rx_dropped +
			  atomic64_read(&priv->vport->queues[q].ring_full);
		*data++ = iovnic_queue_fired(&priv->vport->queues[q]);
		*data++ = qs.polls;
		*data++ = qs.tx_packets;
		*data++ = qs.tx_bytes;
	}
}

static int iovnic_get_coalesce(struct net_device *dev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	ec->rx_coalesce_usecs = READ_ONCE(priv->vport->coal_usecs);
	ec->rx_max_coalesced_frames = READ_ONCE(priv->vport->coal_frames);
	return 0;
}

static int iovnic_set_coalesce(struct net_device *dev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (ec->rx_coalesce_usecs > IOVNIC_MAX_COAL_USECS) {
		NL_SET_ERR_MSG_MOD(extack, "rx-usecs above 10000");
		return -EINVAL;
	}
	if (ec->rx_max_coalesced_frames > priv->vport->ring_size) {
		NL_SET_ERR_MSG_MOD(extack, "rx-frames above the ring size");
		return -EINVAL;
	}
	iovnic_vport_set_coalesce(priv->vport, ec->rx_coalesce_usecs,
				  ec->rx_max_coalesced_frames);
	return 0;
}

static void iovnic_get_channels(struct net_device *dev,
				struct ethtool_channels *ch)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	ch->max_combined = priv->vport->max_queues;
	ch->combined_count = priv->num_queues;
}

static int iovnic_set_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport *vport = priv->vport;
	const struct iovnic_ntuple_table *t;
	unsigned int n = ch->combined_count, i;

	if (ch->rx_count || ch->tx_count || ch->other_count || !n ||
	    n > vport->max_queues)
		return -EINVAL;
	/* what the user pointed at a queue must not dangle */
	if (netif_is_rxfh_configured(dev))
		for (i = 0; i < IOVNIC_RSS_INDIR_SIZE; i++)
			if (vport->rss_indir[i] >= n)
				return -EINVAL;
	t = rtnl_dereference(vport->ntuple);
	for (i = 0; t && i < t->n; i++)
		if (t->rule[i].action != RX_CLS_FLOW_DISC &&
		    t->rule[i].action >= n)
			return -EINVAL;
	return iovnic_netdev_set_queues(dev, n);
}

static void iovnic_get_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	ring->rx_max_pending = IOVNIC_RING_MAX;
	ring->rx_pending = priv->vport->ring_size;
}

static int iovnic_set_ringparam(struct net_device *dev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	if (ring->rx_pending < IOVNIC_RING_MIN ||
	    ring->rx_pending > IOVNIC_RING_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "rx ring size out of 64-4096");
		return -EINVAL;
	}
	return iovnic_netdev_set_ring(dev, ring->rx_pending);
}

static u32 iovnic_get_rxfh_key_size(struct net_device *dev)
{
	return IOVNIC_RSS_KEY_SIZE;
}

static u32 iovnic_get_rxfh_indir_size(struct net_device *dev)
{
	return IOVNIC_RSS_INDIR_SIZE;
}

int iovnic_get_rss(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport *vport = priv->vport;
	unsigned int i;

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		for (i = 0; i < IOVNIC_RSS_INDIR_SIZE; i++)
			indir[i] = vport->rss_indir[i];
	if (key)
		memcpy(key, vport->rss_key, IOVNIC_RSS_KEY_SIZE);
	return 0;
}

int iovnic_set_rss(struct net_device *dev, const u32 *indir, const u8 *key,
		   u8 hfunc, struct netlink_ext_ack *extack)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport *vport = priv->vport;
	unsigned int i;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "only the Toeplitz hash");
		return -EOPNOTSUPP;
	}
	if (indir)
		for (i = 0; i < IOVNIC_RSS_INDIR_SIZE; i++)
			if (indir[i] >= priv->num_queues)
				return -EINVAL;
	if (key)
		iovnic_vport_set_rss_key(vport, key);
	if (indir)
		for (i = 0; i < IOVNIC_RSS_INDIR_SIZE; i++)
			WRITE_ONCE(vport->rss_indir[i], indir[i]);
	return 0;
}

static void iovnic_ntuple_to_fs(const struct iovnic_ntuple *r,
				struct ethtool_rx_flow_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->flow_type = ETHER_FLOW;
	ether_addr_copy(fs->h_u.ether_spec.h_dest, r->mac);
	eth_broadcast_addr(fs->m_u.ether_spec.h_dest);
	if (r->vlan != IOVNIC_NTUPLE_ANY_VLAN) {
		fs->flow_type |= FLOW_EXT;
		fs->h_ext.vlan_tci = htons(r->vlan);
		fs->m_ext.vlan_tci = htons(VLAN_VID_MASK);
	}
	fs->ring_cookie = r->action;
	fs->location = r->loc;
}

static int iovnic_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd,
			    u32 *rule_locs)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	const struct iovnic_ntuple_table *t;
	unsigned int n, i;

	if (cmd->cmd == ETHTOOL_GRXRINGS) {
		cmd->data = priv->num_queues;
		return 0;
	}
	if (priv->is_vf)	/* RSS, but no VMQ filters */
		return -EOPNOTSUPP;
	t = rtnl_dereference(priv->vport->ntuple);
	n = t ? t->n : 0;
	switch (cmd->cmd) {
	case ETHTOOL_GRXCLSRLCNT:
		cmd->rule_cnt = n;
		cmd->data = IOVNIC_MAX_NTUPLE | RX_CLS_LOC_SPECIAL;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		for (i = 0; i < n; i++) {
			if (t->rule[i].loc == cmd->fs.location) {
				iovnic_ntuple_to_fs(&t->rule[i], &cmd->fs);
				return 0;
			}
		}
		return -ENOENT;
	case ETHTOOL_GRXCLSRLALL:
		if (cmd->rule_cnt < n)
			return -EMSGSIZE;
		for (i = 0; i < n; i++)
			rule_locs[i] = t->rule[i].loc;
		cmd->rule_cnt = n;
		cmd->data = IOVNIC_MAX_NTUPLE;
		return 0;
	}
	return -EOPNOTSUPP;
}

/* A VMQ filter from an ethtool flow spec: exact destination MAC [+ VID]. */
static int iovnic_fs_to_ntuple(struct iovnic_priv *priv,
			       const struct ethtool_rx_flow_spec *fs,
			       struct iovnic_ntuple *r)
{
	const struct ethhdr *m = &fs->m_u.ether_spec;
	u16 tci_mask = ntohs(fs->m_ext.vlan_tci);

	if ((fs->flow_type & ~FLOW_EXT) != ETHER_FLOW)
		return -EOPNOTSUPP;
	if (!is_broadcast_ether_addr(m->h_dest) ||
	    !is_zero_ether_addr(m->h_source) || m->h_proto)
		return -EOPNOTSUPP;
	if (is_zero_ether_addr(fs->h_u.ether_spec.h_dest))
		return -EINVAL;
	ether_addr_copy(r->mac, fs->h_u.ether_spec.h_dest);
	r->vlan = IOVNIC_NTUPLE_ANY_VLAN;
	if (fs->flow_type & FLOW_EXT) {
		if (fs->m_ext.vlan_etype || fs->m_ext.data[0] ||
		    fs->m_ext.data[1] ||
		    (tci_mask != VLAN_VID_MASK && tci_mask != 0xffff))
			return -EOPNOTSUPP;
		r->vlan = ntohs(fs->h_ext.vlan_tci) & VLAN_VID_MASK;
	}
	if (fs->ring_cookie == RX_CLS_FLOW_WAKE ||
	    (fs->ring_cookie != RX_CLS_FLOW_DISC &&
	     ethtool_get_flow_spec_ring_vf(fs->ring_cookie)))
		return -EOPNOTSUPP;
	if (fs->ring_cookie != RX_CLS_FLOW_DISC &&
	    fs->ring_cookie >= priv->num_queues)
		return -EINVAL;
	r->action = fs->ring_cookie;
	return 0;
}

/* Install (or replace at its location) a VMQ filter; table order = loc. */
static int iovnic_ntuple_insert(struct iovnic_priv *priv,
				struct ethtool_rx_flow_spec *fs)
{
	struct iovnic_vport *vport = priv->vport;
	struct iovnic_ntuple_table *t, *old;
	unsigned int n, i, j;
	struct iovnic_ntuple r;
	u32 loc = fs->location;
	int err;

	err = iovnic_fs_to_ntuple(priv, fs, &r);
	if (err)
		return err;
	old = rtnl_dereference(vport->ntuple);
	n = old ? old->n : 0;
	if (loc == RX_CLS_LOC_ANY) {
		for (loc = 0, i = 0; i < n && old->rule[i].loc == loc; i++)
			loc++;
	}
	if (loc >= IOVNIC_MAX_NTUPLE)
		return n >= IOVNIC_MAX_NTUPLE ? -ENOSPC : -EINVAL;
	for (i = 0; i < n; i++)
		if (old->rule[i].loc != loc &&
		    ether_addr_equal(old->rule[i].mac, r.mac) &&
		    old->rule[i].vlan == r.vlan)
			return -EEXIST;

	t = kzalloc(struct_size(t, rule, n + 1), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	r.loc = loc;
	for (i = 0, j = 0; i < n && old->rule[i].loc < loc; i++)
		t->rule[j++] = old->rule[i];
	t->rule[j++] = r;
	if (i < n && old->rule[i].loc == loc)
		i++;			/* replaced */
	for (; i < n; i++)
		t->rule[j++] = old->rule[i];
	t->n = j;
	rcu_assign_pointer(vport->ntuple, t);
	if (old)
		kfree_rcu(old, rcu);
	fs->location = loc;
	return 0;
}

static int iovnic_ntuple_delete(struct iovnic_priv *priv, u32 loc)
{
	struct iovnic_vport *vport = priv->vport;
	struct iovnic_ntuple_table *t, *old;
	unsigned int i, j;

	old = rtnl_dereference(vport->ntuple);
	for (i = 0; old && i < old->n; i++)
		if (old->rule[i].loc == loc)
			break;
	if (!old || i == old->n)
		return -ENOENT;
	t = NULL;
	if (old->n > 1) {
		t = kzalloc(struct_size(t, rule, old->n - 1), GFP_KERNEL);
		if (!t)
			return -ENOMEM;
		for (i = 0, j = 0; i < old->n; i++)
			if (old->rule[i].loc != loc)
				t->rule[j++] = old->rule[i];
		t->n = j;
	}
	rcu_assign_pointer(vport->ntuple, t);
	kfree_rcu(old, rcu);
	return 0;
}

static int iovnic_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (priv->is_vf)
		return -EOPNOTSUPP;
	switch (cmd->cmd) {
	case ETHTOOL_SRXCLSRLINS:
		return iovnic_ntuple_insert(priv, &cmd->fs);
	case ETHTOOL_SRXCLSRLDEL:
		return iovnic_ntuple_delete(priv, cmd->fs.location);
	}
	return -EOPNOTSUPP;
}

#ifdef IOVNIC_HAVE_QSTATS
static void iovnic_qstats_rx(struct net_device *dev, int idx,
			     struct netdev_queue_stats_rx *rx)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_qstats qs;

	iovnic_netdev_queue_stats(dev, idx, &qs);
	rx->packets = qs.rx_packets;
	rx->bytes = qs.rx_bytes;
	rx->hw_drops = atomic64_read(&priv->vport->queues[idx].ring_full);
	rx->hw_drop_overruns = rx->hw_drops;
}

static void iovnic_qstats_tx(struct net_device *dev, int idx,
			     struct netdev_queue_stats_tx *tx)
{
	struct iovnic_qstats qs;

	iovnic_netdev_queue_stats(dev, idx, &qs);
	tx->packets = qs.tx_packets;
	tx->bytes = qs.tx_bytes;
}

/* What queue pairs no longer in use counted. */
static void iovnic_qstats_base(struct net_device *dev,
			       struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_qstats qs;
	unsigned int q;

	rx->packets = 0;
	rx->bytes = 0;
	rx->hw_drops = 0;
	tx->packets = 0;
	tx->bytes = 0;
	for (q = priv->num_queues; q < priv->vport->max_queues; q++) {
		iovnic_netdev_queue_stats(dev, q, &qs);
		rx->packets += qs.rx_packets;
		rx->bytes += qs.rx_bytes;
		rx->hw_drops += atomic64_read(&priv->vport->queues[q].ring_full);
		tx->packets += qs.tx_packets;
		tx->bytes += qs.tx_bytes;
	}
	rx->hw_drop_overruns = rx->hw_drops;
}

const struct netdev_stat_ops iovnic_stat_ops = {
	.get_queue_stats_rx	= iovnic_qstats_rx,
	.get_queue_stats_tx	= iovnic_qstats_tx,
	.get_base_stats		= iovnic_qstats_base,
};
#endif

const struct ethtool_ops iovnic_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_RX_MAX_FRAMES,
	.get_drvinfo		= iovnic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= iovnic_get_sset_count,
	.get_strings		= iovnic_get_strings,
	.get_ethtool_stats	= iovnic_get_ethtool_stats,
	.get_coalesce		= iovnic_get_coalesce,
	.set_coalesce		= iovnic_set_coalesce,
	.get_channels		= iovnic_get_channels,
	.set_channels		= iovnic_set_channels,
	.get_ringparam		= iovnic_get_ringparam,
	.set_ringparam		= iovnic_set_ringparam,
	.get_rxnfc		= iovnic_get_rxnfc,
	.set_rxnfc		= iovnic_set_rxnfc,
	.get_rxfh_key_size	= iovnic_get_rxfh_key_size,
	.get_rxfh_indir_size	= iovnic_get_rxfh_indir_size,
	.get_rxfh		= iovnic_compat_get_rxfh,
	.set_rxfh		= iovnic_compat_set_rxfh,
};
