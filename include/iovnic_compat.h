/* SPDX-License-Identifier: GPL-2.0 */
/*
 * API differences between the kernels iovnic supports (Debian 12's 6.1 LTS
 * and 6.12 LTS).  Everything version-dependent goes through here.  Kbuild
 * defines the IOVNIC_HAVE_* macros from what the kernel's headers declare.
 */
#ifndef _IOVNIC_COMPAT_H_
#define _IOVNIC_COMPAT_H_

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <net/devlink.h>

/*
 * Netdev netlink (6.8+) reports each queue's NAPI instance and its IRQ;
 * 6.1 has neither, and nothing to report them to.
 */
#ifdef IOVNIC_HAVE_QUEUE_NAPI
static inline void iovnic_compat_napi_link(struct net_device *dev,
					   unsigned int q,
					   struct napi_struct *napi, int irq)
{
	if (napi)
		netif_napi_set_irq(napi, irq);
	netif_queue_set_napi(dev, q, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(dev, q, NETDEV_QUEUE_TYPE_TX, napi);
}
#else
static inline void iovnic_compat_napi_link(struct net_device *dev,
					   unsigned int q,
					   struct napi_struct *napi, int irq)
{
}
#endif

/* Resizing several rings at once: renamed with a _bh suffix in 6.12. */
#ifdef IOVNIC_HAVE_RING_RESIZE_MULTIPLE_BH
#define iovnic_compat_ring_resize_multiple ptr_ring_resize_multiple_bh
#else
#define iovnic_compat_ring_resize_multiple ptr_ring_resize_multiple
#endif

/* Lockless transmit: a device flag since 6.12, a feature bit before. */
static inline void iovnic_compat_set_lltx(struct net_device *dev)
{
#ifdef IOVNIC_HAVE_LLTX_FLAG
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* Per-queue statistics over netdev netlink (qstats, 6.10+). */
#ifdef IOVNIC_HAVE_QSTATS
static inline void iovnic_compat_set_stat_ops(struct net_device *dev)
{
	dev->stat_ops = &iovnic_stat_ops;
}
#else
static inline void iovnic_compat_set_stat_ops(struct net_device *dev)
{
}
#endif

/*
 * RSS get/set: one parameter struct since 6.8, separate arguments before.
 * Kernel-API shims only: what they call is declared in iovnic.h, which
 * includes this header last.
 */
#ifdef IOVNIC_HAVE_RXFH_PARAM
static inline int iovnic_compat_get_rxfh(struct net_device *dev,
					 struct ethtool_rxfh_param *p)
{
	return iovnic_get_rss(dev, p->indir, p->key, &p->hfunc);
}

static inline int iovnic_compat_set_rxfh(struct net_device *dev,
					 struct ethtool_rxfh_param *p,
					 struct netlink_ext_ack *extack)
{
	if (p->rss_context || p->rss_delete)
		return -EOPNOTSUPP;
	return iovnic_set_rss(dev, p->indir, p->key, p->hfunc, extack);
}
#else
static inline int iovnic_compat_get_rxfh(struct net_device *dev, u32 *indir,
					 u8 *key, u8 *hfunc)
{
	return iovnic_get_rss(dev, indir, key, hfunc);
}

static inline int iovnic_compat_set_rxfh(struct net_device *dev,
					 const u32 *indir, const u8 *key,
					 const u8 hfunc)
{
	return iovnic_set_rss(dev, indir, key, hfunc, NULL);
}
#endif

/*
 * devlink (6.4+): a port's function ops are a struct devlink_port_ops
 * given at registration; before, they were devlink_ops' port_function_*.
 */
#ifdef IOVNIC_HAVE_DEVLINK_PORT_OPS
static const struct devlink_port_ops iovnic_compat_vf_port_ops = {
	.port_fn_hw_addr_get = iovnic_port_fn_hw_addr_get,
	.port_fn_hw_addr_set = iovnic_port_fn_hw_addr_set,
};

static inline int iovnic_compat_vf_port_register(struct devlink *devlink,
						 struct devlink_port *port,
						 unsigned int index)
{
	return devl_port_register_with_ops(devlink, port, index,
					   &iovnic_compat_vf_port_ops);
}

#define IOVNIC_COMPAT_DEVLINK_FN_OPS
#else
static inline int iovnic_compat_vf_port_register(struct devlink *devlink,
						 struct devlink_port *port,
						 unsigned int index)
{
	return devl_port_register(devlink, port, index);
}

#define IOVNIC_COMPAT_DEVLINK_FN_OPS					\
	.port_function_hw_addr_get = iovnic_port_fn_hw_addr_get,	\
	.port_function_hw_addr_set = iovnic_port_fn_hw_addr_set,
#endif

/* devlink rate leaves have a parent node (6.5+). */
#ifdef IOVNIC_HAVE_RATE_LEAF_PARENT
#define iovnic_compat_rate_leaf_create(port, priv)			\
	devl_rate_leaf_create(port, priv, NULL)
#else
#define iovnic_compat_rate_leaf_create(port, priv)			\
	devl_rate_leaf_create(port, priv)
#endif

/* The core puts the driver's name in devlink dev info since 6.2. */
#ifdef IOVNIC_HAVE_INFO_DRIVER_NAME_PUT
static inline int iovnic_compat_info_driver_name(struct devlink_info_req *req)
{
	return devlink_info_driver_name_put(req, KBUILD_MODNAME);
}
#else
static inline int iovnic_compat_info_driver_name(struct devlink_info_req *req)
{
	return 0;
}
#endif

/*
 * A netdev and its devlink port: since 6.2 the netdev carries the port
 * (SET_NETDEV_DEVLINK_PORT before registering, the core links and unlinks
 * them); before, the driver set and cleared the port's type itself and
 * answered ndo_get_devlink_port.
 */
#ifdef IOVNIC_HAVE_NETDEV_DEVLINK_PORT
static inline void iovnic_compat_netdev_set_dl_port(struct net_device *dev,
						    struct devlink_port *port)
{
	SET_NETDEV_DEVLINK_PORT(dev, port);
}

static inline void iovnic_compat_dl_port_linked(struct devlink_port *port,
						struct net_device *dev)
{
}

static inline void iovnic_compat_dl_port_unlink(struct devlink_port *port)
{
}

#define IOVNIC_COMPAT_NDO_GET_DEVLINK_PORT
#else
static inline void iovnic_compat_netdev_set_dl_port(struct net_device *dev,
						    struct devlink_port *port)
{
}

/* after register_netdev, without RTNL (devlink takes it) */
static inline void iovnic_compat_dl_port_linked(struct devlink_port *port,
						struct net_device *dev)
{
	devlink_port_type_eth_set(port, dev);
}

/* before unregister_netdev, without RTNL */
static inline void iovnic_compat_dl_port_unlink(struct devlink_port *port)
{
	devlink_port_type_clear(port);
}

#define IOVNIC_COMPAT_NDO_GET_DEVLINK_PORT				\
	.ndo_get_devlink_port = iovnic_get_devlink_port,
#endif

#endif /* _IOVNIC_COMPAT_H_ */
