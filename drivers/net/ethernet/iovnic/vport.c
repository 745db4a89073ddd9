// SPDX-License-Identifier: GPL-2.0
/*
 * The switch's vports and their receive queues: the device's side of a
 * function's life (reset, VF enable and disable, a driver attaching and
 * detaching), the queues' rings, and the per-vport counters.
 */
#include <linux/ethtool.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "iovnic.h"

void iovnic_count_drop(struct iovnic_vport *vport, enum iovnic_drop why)
{
	struct iovnic_vport_stats *s = this_cpu_ptr(vport->stats);

	u64_stats_update_begin(&s->syncp);
	if (why >= IOVNIC_DROP_TX)
		s->tx_dropped++;
	else
		s->rx_dropped++;
	switch (why) {
	case IOVNIC_DROP_RX_LINK:
		s->rx_link_down++;
		break;
	case IOVNIC_DROP_RX_RING:
		s->rx_ring_full++;
		break;
	case IOVNIC_DROP_RX_LEN:
		s->rx_not_forwardable++;
		break;
	case IOVNIC_DROP_TX_LINK:
		s->tx_link_down++;
		break;
	case IOVNIC_DROP_TX_SPOOF:
		s->tx_spoofed++;
		break;
	case IOVNIC_DROP_TX_RATE:
		s->tx_rate_limited++;
		break;
	case IOVNIC_DROP_TX_VLAN:
		s->tx_vlan_refused++;
		break;
	default:
		break;
	}
	u64_stats_update_end(&s->syncp);
}

/* Zero a disabled vport's counters (nothing sends to or from it). */
static void iovnic_vport_stats_reset(struct iovnic_vport *vport)
{
	struct iovnic_vport_stats *s;
	int cpu;

	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(vport->stats, cpu);
		u64_stats_update_begin(&s->syncp);
		memset(s, 0, offsetof(struct iovnic_vport_stats, syncp));
		u64_stats_update_end(&s->syncp);
	}
}

static void iovnic_vf_cfg_reset(struct iovnic_vport *vport)
{
	memset(&vport->vf, 0, sizeof(vport->vf));
	vport->vf.spoofchk = true;
	vport->vf.link_state = IFLA_VF_LINK_STATE_AUTO;
	memset(&vport->pvlan, 0, sizeof(vport->pvlan));
	vport->pvlan.proto = htons(ETH_P_8021Q);
	iovnic_vport_set_rate(vport, 0);
}

/*
 * A function comes out of reset (first bind, rebind, SR-IOV re-enable)
 * with the device's defaults: one queue, the default ring, no moderation,
 * the system's default RSS key (netdev_rss_key_fill, as drivers use).
 */
static void iovnic_vport_queues_reset(struct iovnic_vport *vport)
{
	u8 key[IOVNIC_RSS_KEY_SIZE];

	WRITE_ONCE(vport->num_queues, 1);
	vport->ring_size = IOVNIC_RING_SIZE;
	iovnic_vport_set_coalesce(vport, 0, 0);
	netdev_rss_key_fill(key, sizeof(key));	/* the system's default */
	iovnic_vport_set_rss_key(vport, key);
	iovnic_vport_rss_default(vport, 1);
}

static int iovnic_vport_init_queues(struct iovnic_vport *vport)
{
	struct iovnic_queue *q;
	unsigned int i;

	vport->max_queues = vport->idx == IOVNIC_PF_VPORT ?
			    IOVNIC_MAX_QUEUES : IOVNIC_MAX_VF_QUEUES;
	vport->queues = kcalloc(vport->max_queues, sizeof(*vport->queues),
				GFP_KERNEL);
	if (!vport->queues)
		return -ENOMEM;
	for (i = 0; i < vport->max_queues; i++) {
		q = &vport->queues[i];
		q->vport = vport;
		q->idx = i;
		q->fired = alloc_percpu(u64);
		if (!q->fired)
			return -ENOMEM;
		iovnic_queue_coal_init(q);
	}
	/* the representor's queue (switchdev): no vector, no moderation */
	q = &vport->rep_q;
	q->vport = vport;
	q->fired = alloc_percpu(u64);
	if (!q->fired)
		return -ENOMEM;
	iovnic_queue_coal_init(q);
	iovnic_vport_queues_reset(vport);
	return 0;
}

static void iovnic_vport_fini_queues(struct iovnic_vport *vport)
{
	unsigned int i;

	free_percpu(vport->stats);
	free_percpu(vport->rep_q.fired);
	for (i = 0; vport->queues && i < vport->max_queues; i++)
		free_percpu(vport->queues[i].fired);
	kfree(vport->queues);
}

int iovnic_sw_init(struct iovnic_hw *hw)
{
	struct iovnic_vport *vport;
	unsigned int i;

	mutex_init(&hw->lock);
	hash_init(hw->fdb);
	iovnic_flow_init(hw);
	get_random_bytes(hw->switch_id, sizeof(hw->switch_id));
	hw->port_up = true;
	hw->vports = kvcalloc(1 + hw->total_vfs, sizeof(*hw->vports),
			      GFP_KERNEL);
	if (!hw->vports)
		return -ENOMEM;
	for (i = 0; i <= hw->total_vfs; i++) {
		vport = &hw->vports[i];
		vport->hw = hw;
		vport->idx = i;
		INIT_LIST_HEAD(&vport->filters);
		if (iovnic_vport_init_queues(vport))
			goto err;
		spin_lock_init(&vport->rate.lock);
		iovnic_vf_cfg_reset(vport);
		vport->stats = netdev_alloc_pcpu_stats(struct iovnic_vport_stats);
		if (!vport->stats)
			goto err;
	}
	hw->vports[IOVNIC_PF_VPORT].enabled = true;
	hw->vports[IOVNIC_PF_VPORT].link_up = true;
	/* the queue to the port's netdev (wire.c): like a representor's */
	hw->ext_q.vport = &hw->vports[IOVNIC_PF_VPORT];
	hw->ext_q.fired = alloc_percpu(u64);
	if (!hw->ext_q.fired)
		goto err;
	iovnic_queue_coal_init(&hw->ext_q);
	return 0;

err:
	iovnic_sw_fini(hw);
	return -ENOMEM;
}

void iovnic_sw_fini(struct iovnic_hw *hw)
{
	unsigned int i;

	iovnic_flow_fini(hw);
	free_percpu(hw->ext_q.fired);
	hw->ext_q.fired = NULL;
	if (hw->vports) {
		for (i = 0; i <= hw->total_vfs; i++)
			iovnic_vport_fini_queues(&hw->vports[i]);
		kvfree(hw->vports);
		hw->vports = NULL;
	}
	mutex_destroy(&hw->lock);
}

/*
 * VF Enable set.  Under RTNL, as are the PF's ndo_set_vf_* that check
 * num_vfs: a VF's config is written either before a disable resets it or
 * not at all.
 */
void iovnic_sw_enable_vfs(struct iovnic_hw *hw, u16 num_vfs)
{
	struct iovnic_vport *vport;
	unsigned int i;

	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	for (i = 0; i < num_vfs; i++) {
		vport = &hw->vports[IOVNIC_VF_VPORT(i)];
		iovnic_vport_stats_reset(vport);	/* a new VF counts anew */
		vport->enabled = true;
		iovnic_vport_update_link(vport);
	}
	WRITE_ONCE(hw->num_vfs, num_vfs);
	mutex_unlock(&hw->lock);
}

/* VF Enable cleared: the VFs' vports go back to their reset state. */
void iovnic_sw_disable_vfs(struct iovnic_hw *hw)
{
	struct iovnic_vport *vport;
	unsigned int i;

	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	for (i = 0; i < hw->num_vfs; i++) {
		vport = &hw->vports[IOVNIC_VF_VPORT(i)];
		vport->enabled = false;
		WRITE_ONCE(vport->link_up, false);
		iovnic_vf_cfg_reset(vport);
	}
	WRITE_ONCE(hw->num_vfs, 0);
	mutex_unlock(&hw->lock);
}

/*
 * A driver takes the function (it registered its netdev, under RTNL,
 * which the caller still holds): its own address @mac gets a filter, it
 * takes frames up to @max_frame bytes, and it hears of link changes
 * through @ops from now on.
 */
int iovnic_vport_attach(struct iovnic_vport *vport,
			const struct iovnic_vport_ops *ops, void *owner,
			const u8 *mac, u32 max_frame)
{
	struct iovnic_hw *hw = vport->hw;
	int err = 0;

	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	if (!vport->enabled || vport->owner) {
		err = -ENODEV;
		goto out;
	}
	if (iovnic_fdb_find(hw, mac, vport->pvlan.vid)) {
		err = -EADDRINUSE;
		goto out;
	}
	ether_addr_copy(vport->mac, mac);
	WRITE_ONCE(vport->max_frame, max_frame);
	vport->ops = ops;
	vport->owner = owner;
	iovnic_vport_sync_filters(vport);
	iovnic_vport_update_link(vport);
out:
	mutex_unlock(&hw->lock);
	return err;
}

/*
 * The driver lets the function go (it unregistered its netdev; the
 * caller holds RTNL): its filters, VMQ filters and queue setup go with
 * it, and the function is at its defaults for the next driver.
 */
void iovnic_vport_detach(struct iovnic_vport *vport)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_ntuple_table *t;

	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	vport->ops = NULL;
	vport->owner = NULL;
	iovnic_vport_flush_filters(vport);
	mutex_unlock(&hw->lock);
	t = rcu_replace_pointer(vport->ntuple, NULL, true);
	synchronize_net();
	kfree(t);
	iovnic_vport_queues_reset(vport);
}

/*
 * The PF assigns VF @vport the MAC @addr (ip link set <pf> vf N mac):
 * the VF's driver, if one is bound, applies it first and may refuse it.
 * Under RTNL, which keeps the owner attached.
 */
int iovnic_vport_assign_mac(struct iovnic_vport *vport, const u8 *addr)
{
	int err;

	ASSERT_RTNL();
	if (vport->owner) {
		err = vport->ops->mac_assigned(vport->owner, addr);
		if (err)
			return err;
	}
	/* read under RTNL (the VF's registration) or hw->lock (get_mac) */
	mutex_lock(&vport->hw->lock);
	ether_addr_copy(vport->vf.mac, addr);
	WRITE_ONCE(vport->vf.mac_set, true);
	mutex_unlock(&vport->hw->lock);
	return 0;
}

/* The function's address: its driver's, else the one the PF assigned. */
void iovnic_vport_get_mac(struct iovnic_vport *vport, u8 *addr)
{
	mutex_lock(&vport->hw->lock);
	ether_addr_copy(addr, vport->owner ? vport->mac : vport->vf.mac);
	mutex_unlock(&vport->hw->lock);
}

/* The owner's MTU changed: frames longer than @len are dropped. */
void iovnic_vport_set_max_frame(struct iovnic_vport *vport, u32 len)
{
	WRITE_ONCE(vport->max_frame, len);
}

/*
 * The VF has a standby path (a synthetic NIC with its MAC): while its
 * link is down the switch does not claim its MAC, and frames for it
 * leave through the wire, where the synthetic path picks them up.
 */
void iovnic_vport_set_standby(struct iovnic_vport *vport, bool on)
{
	WRITE_ONCE(vport->standby, on);
}

/* Whether delivered frames carry the RSS hash (ethtool -K rxhash). */
void iovnic_vport_set_rxhash(struct iovnic_vport *vport, bool on)
{
	WRITE_ONCE(vport->rxhash, on);
}

static void iovnic_skb_destroy(void *ptr)
{
	kfree_skb(ptr);
}

/*
 * The owner sets up a queue: its ring, and what to call when frames
 * arrive and the queue has no vector to raise.
 */
int iovnic_queue_init(struct iovnic_queue *q, void (*notify)(void *ctx),
		      void *ctx)
{
	int err;

	err = iovnic_hw_fault(q->vport->hw);
	if (err)
		return err;
	err = ptr_ring_init(&q->ring, q->vport->ring_size, GFP_KERNEL);
	if (err)
		return err;
	q->notify = notify;
	q->ctx = ctx;
	return 0;
}

/*
 * A queue without a vector or moderation (a representor's, the port
 * netdev's): a ring of @size, and @notify called as frames arrive.
 */
int iovnic_queue_init_ring(struct iovnic_queue *q, u32 size,
			   void (*notify)(void *ctx), void *ctx)
{
	int err;

	err = ptr_ring_init(&q->ring, size, GFP_KERNEL);
	if (err)
		return err;
	atomic64_set(&q->ring_full, 0);		/* a new owner counts anew */
	q->notify = notify;
	q->ctx = ctx;
	return 0;
}

/*
 * A queue of no vport: a channel between two software ends (the
 * synthetic NIC's, synth.c), a ring of @size, @notify called as frames
 * arrive.  iovnic_chan_fini() undoes it.
 */
int iovnic_chan_init(struct iovnic_queue *q, u32 size,
		     void (*notify)(void *ctx), void *ctx)
{
	int err;

	q->fired = alloc_percpu(u64);
	if (!q->fired)
		return -ENOMEM;
	iovnic_queue_coal_init(q);
	err = iovnic_queue_init_ring(q, size, notify, ctx);
	if (err) {
		free_percpu(q->fired);
		q->fired = NULL;
	}
	return err;
}

void iovnic_chan_fini(struct iovnic_queue *q)
{
	iovnic_queue_fini(q);
	free_percpu(q->fired);
	q->fired = NULL;
}

/* Such a queue stops: no sender is left once this returns; purged. */
void iovnic_queue_stop(struct iovnic_queue *q)
{
	WRITE_ONCE(q->rx_ready, false);
	clear_bit(IOVNIC_IRQ_ARMED, &q->irq_flags);
	synchronize_net();
	iovnic_queue_rx_purge(q);
}

/*
 * Hand @skb to such a queue and notify its owner; what it cannot take
 * (stopped, full, no memory) is freed and counted in ring_full.
 */
void iovnic_queue_hand(struct iovnic_queue *q, struct sk_buff *skb)
{
	if (unlikely(!READ_ONCE(q->rx_ready)))
		goto drop;
	skb = iovnic_skb_take(skb);
	if (unlikely(!skb)) {
		atomic64_inc(&q->ring_full);
		return;
	}
	if (unlikely(ptr_ring_produce(&q->ring, skb)))
		goto drop;
	iovnic_queue_kick_now(q);
	return;

drop:
	atomic64_inc(&q->ring_full);
	kfree_skb(skb);
}

void iovnic_queue_fini(struct iovnic_queue *q)
{
	ptr_ring_cleanup(&q->ring, iovnic_skb_destroy);
	q->notify = NULL;
	q->ctx = NULL;
}

/*
 * With queues [0, n) stopped: a new ring size for all of them, or, on
 * failure, for none (every new ring is allocated before any is swapped).
 */
int iovnic_vport_resize_rings(struct iovnic_vport *vport, unsigned int n,
			      u32 size)
{
	struct ptr_ring *rings[IOVNIC_MAX_QUEUES];
	unsigned int i;
	int err;

	err = iovnic_hw_fault(vport->hw);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		rings[i] = &vport->queues[i].ring;
	err = iovnic_compat_ring_resize_multiple(rings, n, size, GFP_KERNEL,
						 iovnic_skb_destroy);
	if (!err)
		vport->ring_size = size;
	return err;
}

void iovnic_queue_rx_start(struct iovnic_queue *q)
{
	atomic_set(&q->coal_count, 0);
	set_bit(IOVNIC_IRQ_ARMED, &q->irq_flags);
	WRITE_ONCE(q->rx_ready, true);
}

void iovnic_vport_rx_start(struct iovnic_vport *vport)
{
	WRITE_ONCE(vport->rx_ready, true);
}

/*
 * Stop delivering to the vport's queues.  No sender is left once this
 * returns; the caller then disables NAPI and purges the rings.
 */
void iovnic_vport_rx_stop(struct iovnic_vport *vport)
{
	struct iovnic_queue *q;
	unsigned int i;

	WRITE_ONCE(vport->rx_ready, false);
	for (i = 0; i < vport->max_queues; i++) {
		q = &vport->queues[i];
		WRITE_ONCE(q->rx_ready, false);
		clear_bit(IOVNIC_IRQ_ARMED, &q->irq_flags);
	}
	synchronize_net();
	for (i = 0; i < vport->max_queues; i++) {
		q = &vport->queues[i];
		hrtimer_cancel(&q->coal_timer);
		clear_bit(IOVNIC_IRQ_TIMER, &q->irq_flags);
	}
}

/* Drop what a stopped queue holds; returns how many frames that was. */
unsigned int iovnic_queue_rx_purge(struct iovnic_queue *q)
{
	unsigned int n = 0;
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&q->ring))) {
		kfree_skb(skb);
		n++;
	}
	return n;
}

/*
 * Sum a per-CPU block of @n u64 counters followed by their u64_stats_sync
 * (struct iovnic_vport_stats, struct iovnic_qstats) into @out[0..n-1].
 */
void iovnic_stats_sum(const void __percpu *pcpu, unsigned int n, u64 *out)
{
	const struct u64_stats_sync *syncp;
	u64 t[IOVNIC_VPORT_NSTATS];
	unsigned int start, i;
	const u64 *s;
	int cpu;

	BUILD_BUG_ON(IOVNIC_QSTATS_N > IOVNIC_VPORT_NSTATS);
	n = min_t(unsigned int, n, IOVNIC_VPORT_NSTATS);
	memset(out, 0, n * sizeof(*out));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(pcpu, cpu);
		syncp = (const struct u64_stats_sync *)(s + n);
		do {
			start = u64_stats_fetch_begin(syncp);
			memcpy(t, s, n * sizeof(*t));
		} while (u64_stats_fetch_retry(syncp, start));
		for (i = 0; i < n; i++)
			out[i] += t[i];
	}
}

void iovnic_vport_get_stats(struct iovnic_vport *vport,
			    struct iovnic_vport_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	iovnic_stats_sum(vport->stats, IOVNIC_VPORT_NSTATS, (u64 *)sum);
}
