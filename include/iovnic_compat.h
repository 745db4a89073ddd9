/* SPDX-License-Identifier: GPL-2.0 */
/*
 * API differences between the kernels iovnic supports (Debian 12's 6.1 LTS
 * and 6.12 LTS).  Everything version-dependent goes through here.
 */
#ifndef _IOVNIC_COMPAT_H_
#define _IOVNIC_COMPAT_H_

#include <linux/netdevice.h>

/*
 * Netdev netlink (6.8+) reports each queue's NAPI instance and its IRQ;
 * 6.1 has neither, and nothing to report them to.  Kbuild defines
 * IOVNIC_HAVE_QUEUE_NAPI when the kernel's headers have the call.
 */
#ifdef IOVNIC_HAVE_QUEUE_NAPI
static inline void iovnic_compat_napi_link(struct net_device *dev,
					   struct napi_struct *napi, int irq)
{
	if (napi)
		netif_napi_set_irq(napi, irq);
	netif_queue_set_napi(dev, 0, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(dev, 0, NETDEV_QUEUE_TYPE_TX, napi);
}
#else
static inline void iovnic_compat_napi_link(struct net_device *dev,
					   struct napi_struct *napi, int irq)
{
}
#endif

#endif /* _IOVNIC_COMPAT_H_ */
