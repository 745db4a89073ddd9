// SPDX-License-Identifier: GPL-2.0
/* ethtool operations of PF and VF netdevs. */
#include <linux/ethtool.h>

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
};

static_assert(ARRAY_SIZE(iovnic_vport_stat_names) == IOVNIC_VPORT_NSTATS);

/* The PF also shows its physical port. */
static const char iovnic_port_stat_names[][ETH_GSTRING_LEN] = {
	"port_tx_packets",
	"port_tx_bytes",
	"port_rx_packets",
	"port_rx_bytes",
	"port_rx_dropped",
	"switch_filters",
};

static int iovnic_get_sset_count(struct net_device *dev, int sset)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return IOVNIC_VPORT_NSTATS +
	       (priv->is_vf ? 0 : ARRAY_SIZE(iovnic_port_stat_names));
}

static void iovnic_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct iovnic_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, iovnic_vport_stat_names, sizeof(iovnic_vport_stat_names));
	if (!priv->is_vf)
		memcpy(data + sizeof(iovnic_vport_stat_names),
		       iovnic_port_stat_names, sizeof(iovnic_port_stat_names));
}

static void iovnic_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct iovnic_priv *priv = netdev_priv(dev);
	struct iovnic_vport_stats sum;
	struct iovnic_hw *hw = priv->hw;

	iovnic_vport_get_stats(priv->vport, &sum);
	memcpy(data, &sum, IOVNIC_VPORT_NSTATS * sizeof(u64));
	if (priv->is_vf)
		return;
	data += IOVNIC_VPORT_NSTATS;
	*data++ = atomic64_read(&hw->wire_tx_packets);
	*data++ = atomic64_read(&hw->wire_tx_bytes);
	*data++ = atomic64_read(&hw->wire_rx_packets);
	*data++ = atomic64_read(&hw->wire_rx_bytes);
	*data++ = atomic64_read(&hw->wire_rx_dropped);
	*data++ = READ_ONCE(hw->num_filters);
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
	if (ec->rx_max_coalesced_frames > IOVNIC_RING_SIZE) {
		NL_SET_ERR_MSG_MOD(extack, "rx-frames above the ring size");
		return -EINVAL;
	}
	iovnic_vport_set_coalesce(priv->vport, ec->rx_coalesce_usecs,
				  ec->rx_max_coalesced_frames);
	return 0;
}

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
};
