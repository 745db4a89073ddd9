/* SPDX-License-Identifier: GPL-2.0 */
/*
 * API differences between the kernels iovnic supports (Debian 12's 6.1 LTS
 * and 6.12 LTS).  Everything version-dependent goes through here.
 */
#ifndef _IOVNIC_COMPAT_H_
#define _IOVNIC_COMPAT_H_

#include <linux/version.h>
#include <linux/netdevice.h>

#endif /* _IOVNIC_COMPAT_H_ */
