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

#endif /* _IOVNIC_COMPAT_H_ */
