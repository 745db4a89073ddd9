// SPDX-License-Identifier: GPL-2.0
/* A vport's transmit policer (ip link set <pf> vf N max_tx_rate R). */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/skbuff.h>

#include "iovnic.h"

/* max_tx_rate: @mbps Mbit/s, 0 for none. */
void iovnic_vport_set_rate(struct iovnic_vport *vport, u32 mbps)
{
	struct iovnic_rate *r = &vport->rate;
	u64 rate = (u64)mbps * 125000;	/* bytes per second */

	spin_lock_bh(&r->lock);
	r->burst = max_t(s64, rate / 100, 2 * VLAN_ETH_FRAME_LEN); /* 10 ms */
	r->tokens = r->burst;
	r->last = ktime_get_ns();
	WRITE_ONCE(r->bytes_per_sec, rate);
	spin_unlock_bh(&r->lock);
}

/*
 * Token bucket policer.  The bucket may go into debt by one frame, so a
 * GSO frame larger than the burst still passes at the configured rate.
 */
bool iovnic_rate_allow(struct iovnic_rate *r, unsigned int len)
{
	u64 rate = READ_ONCE(r->bytes_per_sec), now, dt;
	bool ok;

	if (!rate)
		return true;
	spin_lock(&r->lock);
	now = ktime_get_ns();
	dt = min_t(u64, now - r->last, NSEC_PER_SEC);
	r->last = now;
	r->tokens = min_t(s64, r->tokens + div_u64(dt * rate, NSEC_PER_SEC),
			  r->burst);
	ok = r->tokens >= 0;
	if (ok)
		r->tokens -= len;
	spin_unlock(&r->lock);
	return ok;
}
