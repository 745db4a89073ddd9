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

const struct ethtool_ops iovnic_ethtool_ops = {
	.get_drvinfo	= iovnic_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};
