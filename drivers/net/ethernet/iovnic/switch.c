// SPDX-License-Identifier: GPL-2.0
/*
 * The NIC's embedded switch (VEB).  Every function owns a vport; a frame a
 * vport transmits passes the vport's checks (link state, spoof check, rate
 * limit, port VLAN), is matched against exact (MAC, VLAN) filters and is
 * handed, without a copy, to the receive queue of the vport that owns the
 * destination, or sent to the wire when no vport does.  Broadcast and
 * multicast go to every other vport of the VLAN that accepts them and to
 * the wire; a frame never returns to its sender.  Frames from the wire go
 * to the owner, else to a promiscuous PF, else are dropped and counted.
 *
 * Inside the switch a frame's VLAN tag is always out of band
 * (skb->vlan_tci): tags a sender put in the payload are taken out at
 * ingress, a port VLAN is pushed there, and stripped at delivery.
 */
#include <linux/ethtool.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/irq.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/ip.h>

#include "iovnic.h"

/* Why the switch dropped a frame: each bumps rx_dropped or tx_dropped. */
enum iovnic_drop {
	IOVNIC_DROP_RX,			/* no receiver, clone failed, ... */
	IOVNIC_DROP_RX_LINK,		/* receiver's link state is down */
	IOVNIC_DROP_RX_RING,		/* receive ring full */
	IOVNIC_DROP_RX_FWD,		/* refused by the core (MTU, ...) */
	IOVNIC_DROP_TX,			/* malformed */
	IOVNIC_DROP_TX_LINK,		/* sender's link state is down */
	IOVNIC_DROP_TX_SPOOF,		/* source MAC not the VF's */
	IOVNIC_DROP_TX_RATE,		/* over max_tx_rate */
	IOVNIC_DROP_TX_VLAN,		/* tag refused under a port VLAN */
};

static void iovnic_count_drop(struct iovnic_vport *vport,
			      enum iovnic_drop why)
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
	case IOVNIC_DROP_RX_FWD:
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

static enum hrtimer_restart iovnic_coal_timer(struct hrtimer *t);

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

/* Spread the indirection table evenly over @n queues. */
void iovnic_vport_rss_default(struct iovnic_vport *vport, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < IOVNIC_RSS_INDIR_SIZE; i++)
		WRITE_ONCE(vport->rss_indir[i], ethtool_rxfh_indir_default(i, n));
}

/*
 * A function comes out of reset (first bind, rebind, SR-IOV re-enable)
 * with the device's defaults: one queue, the default ring, no moderation,
 * a fresh RSS key.
 */
static void iovnic_vport_queues_reset(struct iovnic_vport *vport)
{
	WRITE_ONCE(vport->num_queues, 1);
	vport->ring_size = IOVNIC_RING_SIZE;
	iovnic_vport_set_coalesce(vport, 0, 0);
	netdev_rss_key_fill(vport->rss_key, sizeof(vport->rss_key));
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
		hrtimer_init(&q->coal_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		q->coal_timer.function = iovnic_coal_timer;
	}
	iovnic_vport_queues_reset(vport);
	return 0;
}

static void iovnic_vport_fini_queues(struct iovnic_vport *vport)
{
	unsigned int i;

	free_percpu(vport->stats);
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
	return 0;

err:
	iovnic_sw_fini(hw);
	return -ENOMEM;
}

void iovnic_sw_fini(struct iovnic_hw *hw)
{
	unsigned int i;

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
 * The owner's netdev was registered (under RTNL, which the caller still
 * holds): the vport delivers to it from now on.
 */
int iovnic_vport_attach(struct iovnic_vport *vport, struct net_device *dev)
{
	struct iovnic_hw *hw = vport->hw;
	int err = 0;

	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	if (!vport->enabled || rcu_access_pointer(vport->netdev)) {
		err = -ENODEV;
		goto out;
	}
	if (iovnic_fdb_find(hw, dev->dev_addr, vport->pvlan.vid)) {
		err = -EADDRINUSE;
		goto out;
	}
	ether_addr_copy(vport->mac, dev->dev_addr);
	rcu_assign_pointer(vport->netdev, dev);
	iovnic_vport_sync_filters(vport);
	iovnic_vport_update_link(vport);
out:
	mutex_unlock(&hw->lock);
	return err;
}

/*
 * The owner's netdev is being unregistered (the caller holds RTNL): its
 * filters, VMQ filters and queue setup go with it, and the function is
 * at its defaults for the next driver.
 */
void iovnic_vport_detach(struct iovnic_vport *vport)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_ntuple_table *t;

	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	RCU_INIT_POINTER(vport->netdev, NULL);
	iovnic_vport_flush_filters(vport);
	mutex_unlock(&hw->lock);
	t = rcu_replace_pointer(vport->ntuple, NULL, true);
	synchronize_net();
	kfree(t);
	iovnic_vport_queues_reset(vport);
}

static void iovnic_skb_destroy(void *ptr)
{
	kfree_skb(ptr);
}

/* The owner sets up a queue: its ring, and the NAPI instance to kick. */
int iovnic_queue_init(struct iovnic_queue *q, struct napi_struct *napi)
{
	int err;

	err = iovnic_hw_fault(q->vport->hw);
	if (err)
		return err;
	err = ptr_ring_init(&q->ring, q->vport->ring_size, GFP_KERNEL);
	if (err)
		return err;
	q->napi = napi;
	return 0;
}

void iovnic_queue_fini(struct iovnic_queue *q)
{
	ptr_ring_cleanup(&q->ring, iovnic_skb_destroy);
	q->napi = NULL;
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
static bool iovnic_rate_allow(struct iovnic_rate *r, unsigned int len)
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

static bool iovnic_vport_in_vlan(const struct iovnic_vport *v, u16 vid)
{
	u16 pvid = READ_ONCE(v->pvlan.vid);

	if (pvid)
		return vid == pvid;
	if (!vid || test_bit(vid, v->vlans))
		return true;
	return READ_ONCE(v->promisc_granted);
}

/*
 * Does @v take a frame to @daddr in @vid that no filter matched as unicast:
 * a broadcast, a multicast or an unknown unicast?
 */
static bool iovnic_vport_accepts(struct iovnic_hw *hw,
				 const struct iovnic_vport *v,
				 const u8 *daddr, u16 vid)
{
	bool promisc = READ_ONCE(v->promisc_granted);

	if (!READ_ONCE(v->rx_ready) || !iovnic_vport_in_vlan(v, vid))
		return false;
	if (!is_multicast_ether_addr(daddr))
		return promisc;
	if (is_broadcast_ether_addr(daddr) || promisc)
		return true;
	if (READ_ONCE(v->allmulti_granted))
		return true;
	return iovnic_fdb_has(hw, daddr, vid, v);
}

static void iovnic_count_rx(struct iovnic_vport *vport, bool bcast,
			    bool mcast, unsigned int len)
{
	struct iovnic_vport_stats *s = this_cpu_ptr(vport->stats);

	u64_stats_update_begin(&s->syncp);
	s->rx_packets++;
	s->rx_bytes += len;
	s->broadcast += bcast;
	s->multicast += mcast;
	u64_stats_update_end(&s->syncp);
}

static void iovnic_queue_fire(struct iovnic_queue *q)
{
	struct irq_data *irqd;

	if (!test_and_clear_bit(IOVNIC_IRQ_ARMED, &q->irq_flags))
		return;
	this_cpu_inc(*q->fired);
	irqd = READ_ONCE(q->irqd);
	if (irqd && !iovnic_irq_is_local(irqd))
		iovnic_irq_raise(irqd);
	else
		napi_schedule(q->napi);
}

u64 iovnic_queue_fired(const struct iovnic_queue *q)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(q->fired, cpu);
	return sum;
}

static enum hrtimer_restart iovnic_coal_timer(struct hrtimer *t)
{
	struct iovnic_queue *q = container_of(t, struct iovnic_queue,
					      coal_timer);

	clear_bit(IOVNIC_IRQ_TIMER, &q->irq_flags);
	iovnic_queue_fire(q);
	return HRTIMER_NORESTART;
}

/*
 * A frame is in the ring: interrupt the owner unless the queue's vector is
 * masked (NAPI is polling), as a real NIC raises one MSI per batch.  With
 * moderation the interrupt waits rx-usecs, or until rx-frames arrived.
 */
static void iovnic_queue_kick(struct iovnic_queue *q)
{
	struct iovnic_vport *vport = q->vport;
	u32 usecs, frames;

	/*
	 * Order the frame's ring write before the test of the mask; pairs
	 * with the barrier in iovnic_queue_irq_rearm(): either NAPI sees
	 * the frame or we see the vector armed.
	 */
	smp_mb();
	if (!test_bit(IOVNIC_IRQ_ARMED, &q->irq_flags))
		return;
	usecs = READ_ONCE(vport->coal_usecs);
	if (usecs) {
		frames = READ_ONCE(vport->coal_frames);
		if (!frames || atomic_inc_return(&q->coal_count) < frames) {
			if (!test_and_set_bit(IOVNIC_IRQ_TIMER, &q->irq_flags))
				hrtimer_start(&q->coal_timer,
					      ns_to_ktime(usecs * NSEC_PER_USEC),
					      HRTIMER_MODE_REL);
			return;
		}
	}
	iovnic_queue_fire(q);
}

/* NAPI completed: unmask, and catch what arrived while it finished. */
void iovnic_queue_irq_rearm(struct iovnic_queue *q)
{
	atomic_set(&q->coal_count, 0);
	set_bit(IOVNIC_IRQ_ARMED, &q->irq_flags);
	/*
	 * Order the unmask before the ring check; pairs with the barrier
	 * between the producer's ring write and its test of the mask in
	 * iovnic_queue_kick(): either it sees the vector armed or we see
	 * its frame.
	 */
	smp_mb__after_atomic();
	if (!__ptr_ring_empty(&q->ring) &&
	    test_and_clear_bit(IOVNIC_IRQ_ARMED, &q->irq_flags))
		napi_schedule(q->napi);
}

void iovnic_vport_set_coalesce(struct iovnic_vport *vport, u32 usecs,
			       u32 frames)
{
	WRITE_ONCE(vport->coal_frames, frames);
	WRITE_ONCE(vport->coal_usecs, usecs);
}

/* The queue's vector (0: none, NAPI is scheduled directly). */
void iovnic_queue_irq_set(struct iovnic_queue *q, int irq)
{
	WRITE_ONCE(q->irqd, irq ? irq_get_irq_data(irq) : NULL);
}

/*
 * Microsoft's RSS hash: every set bit of the input XORs in the 32 bits of
 * the key that start at that bit's position.  @key has @len + 4 bytes.
 */
static u32 iovnic_toeplitz(const u8 *key, const u8 *in, unsigned int len)
{
	u32 hash = 0, win = get_unaligned_be32(key);
	unsigned int i;
	int b;

	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if (in[i] & BIT(b))
				hash ^= win;
			win = win << 1 | ((key[i + 4] >> b) & 1);
		}
	}
	return hash;
}

/*
 * The flow hash a NIC computes: source and destination address, and the
 * ports of TCP and UDP unless fragmented, in that order.  Other frames
 * have no hash (*type PKT_HASH_TYPE_NONE).
 */
static u32 iovnic_rss_hash(const struct iovnic_vport *v,
			   const struct sk_buff *skb,
			   enum pkt_hash_types *type)
{
	unsigned int len, l4off;
	const void *hdr, *ports;
	u8 in[36], buf[40];
	const __be16 *proto;
	u8 l4proto;

	*type = PKT_HASH_TYPE_NONE;
	proto = skb_header_pointer(skb, offsetof(struct ethhdr, h_proto),
				   sizeof(*proto), buf);
	if (!proto)
		return 0;
	if (*proto == htons(ETH_P_IP)) {
		const struct iphdr *iph;

		hdr = skb_header_pointer(skb, ETH_HLEN, sizeof(*iph), buf);
		iph = hdr;
		if (!iph || iph->ihl < 5)
			return 0;
		memcpy(in, &iph->addrs, sizeof(iph->addrs));
		len = 8;
		l4proto = ip_is_fragment(iph) ? 0 : iph->protocol;
		l4off = ETH_HLEN + iph->ihl * 4;
	} else if (*proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h;

		hdr = skb_header_pointer(skb, ETH_HLEN, sizeof(*ip6h), buf);
		ip6h = hdr;
		if (!ip6h)
			return 0;
		memcpy(in, &ip6h->addrs, sizeof(ip6h->addrs));
		len = 32;
		l4proto = ip6h->nexthdr;
		l4off = ETH_HLEN + sizeof(*ip6h);
	} else {
		return 0;
	}
	*type = PKT_HASH_TYPE_L3;
	if (l4proto == IPPROTO_TCP || l4proto == IPPROTO_UDP) {
		ports = skb_header_pointer(skb, l4off, 4, buf);
		if (ports) {
			memcpy(in + len, ports, 4);
			len += 4;
			*type = PKT_HASH_TYPE_L4;
		}
	}
	return iovnic_toeplitz(v->rss_key, in, len);
}

/*
 * The receive queue of @v for @skb: a VMQ filter on the destination MAC
 * (and VLAN) picks it, else RSS does.  NULL: a filter drops the frame.
 */
static struct iovnic_queue *iovnic_rx_queue(struct iovnic_vport *v,
					    struct net_device *dev,
					    struct sk_buff *skb)
{
	unsigned int n = READ_ONCE(v->num_queues), q = 0, i;
	const struct iovnic_ntuple_table *t;
	const struct iovnic_ntuple *r;
	enum pkt_hash_types type;
	u16 vid;
	u32 hash;

	t = rcu_dereference_bh(v->ntuple);
	if (t) {
		vid = skb_vlan_tag_present(skb) ? skb_vlan_tag_get_id(skb) : 0;
		for (i = 0; i < t->n; i++) {
			r = &t->rule[i];
			if (!ether_addr_equal(r->mac, skb->data) ||
			    (r->vlan != IOVNIC_NTUPLE_ANY_VLAN && r->vlan != vid))
				continue;
			if (r->action == RX_CLS_FLOW_DISC)
				return NULL;
			q = r->action;
			goto out;
		}
	}
	if (n <= 1 && !(dev->features & NETIF_F_RXHASH))
		goto out;
	hash = iovnic_rss_hash(v, skb, &type);
	if (type == PKT_HASH_TYPE_NONE)
		goto out;
	if (dev->features & NETIF_F_RXHASH)
		skb_set_hash(skb, hash, type);
	q = READ_ONCE(v->rss_indir[hash % IOVNIC_RSS_INDIR_SIZE]);
out:
	return &v->queues[q < n ? q : 0];
}

/*
 * Hand @skb to @dst's receive queue and raise its interrupt.  The frame is
 * not copied: the receiver gets the very buffer the sender built.
 */
static void iovnic_deliver(struct iovnic_vport *dst, struct sk_buff *skb)
{
	bool bcast = is_broadcast_ether_addr(skb->data);
	bool mcast = !bcast && is_multicast_ether_addr(skb->data);
	unsigned int len = skb->len;
	struct iovnic_queue *q;
	struct net_device *dev;

	if (unlikely(!READ_ONCE(dst->link_up))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX_LINK);
		goto free;
	}
	dev = rcu_dereference_bh(dst->netdev);
	if (unlikely(!dev || !READ_ONCE(dst->rx_ready))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX);
		goto free;
	}
	q = iovnic_rx_queue(dst, dev, skb);
	if (unlikely(!q || !READ_ONCE(q->rx_ready))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX);
		goto free;
	}
	/*
	 * The receiver's GRO merges later segments into this skb's shared
	 * info, and the stack writes its head: a clone (TCP keeps the
	 * original in its retransmit queue; flooding clones for each
	 * receiver) must get a head of its own first.  That copies the
	 * headers, never the payload in the page frags.
	 */
	if (skb_cloned(skb)) {
		if (unlikely(skb_shared(skb))) {
			skb = skb_unshare(skb, GFP_ATOMIC);	/* a copy */
		} else if (unlikely(pskb_expand_head(skb, 0, 0, GFP_ATOMIC))) {
			kfree_skb(skb);
			skb = NULL;
		}
		if (unlikely(!skb)) {
			iovnic_count_drop(dst, IOVNIC_DROP_RX);
			return;
		}
	}
	if (READ_ONCE(dst->pvlan.vid))
		__vlan_hwaccel_clear_tag(skb);
	if (____dev_forward_skb(dev, skb, true)) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX_FWD);
		return;		/* freed, and counted by the core too */
	}
	if (unlikely(ptr_ring_produce(&q->ring, skb))) {
		atomic64_inc(&q->ring_full);
		iovnic_count_drop(dst, IOVNIC_DROP_RX_RING);
		goto free;
	}
	iovnic_count_rx(dst, bcast, mcast, len);
	iovnic_queue_kick(q);
	return;

free:
	kfree_skb(skb);
}

/* Give the wire its copy of a flooded frame; clone only if it leads on. */
static void iovnic_flood_wire(struct iovnic_hw *hw, struct sk_buff *skb)
{
	struct sk_buff *clone;

	if (!rcu_access_pointer(hw->peer)) {
		atomic64_inc(&hw->wire_tx_packets);
		atomic64_add(skb->len, &hw->wire_tx_bytes);
		return;
	}
	clone = skb_clone(skb, GFP_ATOMIC);
	if (clone)
		iovnic_wire_tx(hw, clone);
}

/*
 * Replicate to every other vport of the VLAN that accepts the frame (and
 * to the wire if it came from a vport); the last receiver gets @skb.
 * Unknown unicast comes here too, for promiscuous vports.
 */
static void iovnic_flood(struct iovnic_hw *hw, struct iovnic_vport *src,
			 struct sk_buff *skb, u16 vid)
{
	struct iovnic_vport *vport, *prev = NULL;
	const u8 *daddr = skb->data;
	struct sk_buff *clone;
	unsigned int i;

	if (src)
		iovnic_flood_wire(hw, skb);
	/* the PF and the enabled VFs */
	for (i = 0; i <= READ_ONCE(hw->num_vfs); i++) {
		vport = &hw->vports[i];
		if (vport == src || !iovnic_vport_accepts(hw, vport, daddr, vid))
			continue;
		if (prev) {
			clone = skb_clone(skb, GFP_ATOMIC);
			if (clone)
				iovnic_deliver(prev, clone);
			else
				iovnic_count_drop(prev, IOVNIC_DROP_RX);
		}
		prev = vport;
	}
	if (prev) {
		iovnic_deliver(prev, skb);
	} else if (!src && !is_multicast_ether_addr(daddr)) {
		atomic64_inc(&hw->wire_rx_dropped);
		kfree_skb(skb);
	} else {
		consume_skb(skb);
	}
}

/* Switch a frame from @src (NULL: from the wire). */
static void iovnic_forward(struct iovnic_hw *hw, struct iovnic_vport *src,
			   struct sk_buff *skb)
{
	u16 vid = skb_vlan_tag_present(skb) ? skb_vlan_tag_get_id(skb) : 0;
	struct iovnic_filter *f;

	if (is_multicast_ether_addr(skb->data)) {
		iovnic_flood(hw, src, skb, vid);
		return;
	}
	f = iovnic_fdb_find(hw, skb->data, vid);
	if (f) {
		if (likely(f->vport != src))
			iovnic_deliver(f->vport, skb);
		else
			consume_skb(skb);	/* never back to the sender */
	} else if (READ_ONCE(hw->num_promisc)) {
		iovnic_flood(hw, src, skb, vid);	/* + promiscuous vports */
	} else if (src) {
		iovnic_wire_tx(hw, skb);
	} else {
		atomic64_inc(&hw->wire_rx_dropped);
		kfree_skb(skb);
	}
}

/* A frame arrives from the wire (the peer's port).  Under RCU-bh. */
void iovnic_sw_wire_rx(struct iovnic_hw *hw, struct sk_buff *skb)
{
	atomic64_inc(&hw->wire_rx_packets);
	atomic64_add(skb->len, &hw->wire_rx_bytes);
	iovnic_forward(hw, NULL, skb);
}

/*
 * Move a tag from the payload to skb->vlan_tci.  The kernel's pop keeps
 * the checksum, protocol and header offsets right; it writes the head,
 * so a shared one is copied first.
 */
static struct sk_buff *iovnic_vlan_untag(struct sk_buff *skb)
{
	__be16 proto = ((struct ethhdr *)skb->data)->h_proto;
	u16 tci;

	skb_reset_mac_header(skb);
	if (unlikely(!pskb_may_pull(skb, VLAN_ETH_HLEN) ||
		     __skb_vlan_pop(skb, &tci))) {
		kfree_skb(skb);
		return NULL;
	}
	__vlan_hwaccel_put_tag(skb, proto, tci);
	return skb;
}

/*
 * Classify a frame entering from @src: an 802.1Q port VLAN tags it (a VF
 * in a port VLAN may not tag itself), an 802.1ad one stacks an S-tag on
 * whatever the VF sent.  Returns NULL if the frame was dropped.
 */
static struct sk_buff *iovnic_vlan_ingress(struct iovnic_vport *src,
					   struct sk_buff *skb)
{
	struct ethhdr *eth = (struct ethhdr *)skb->data;
	u16 pvid = READ_ONCE(src->pvlan.vid);
	__be16 proto;

	if (!skb_vlan_tag_present(skb) && eth_type_vlan(eth->h_proto)) {
		skb = iovnic_vlan_untag(skb);
		if (!skb)
			return NULL;
	}
	if (!pvid)
		return skb;
	proto = READ_ONCE(src->pvlan.proto);
	if (skb_vlan_tag_present(skb)) {
		if (proto != htons(ETH_P_8021AD)) {
			kfree_skb(skb);
			return NULL;
		}
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb)
			return NULL;
	}
	__vlan_hwaccel_put_tag(skb, proto,
			       pvid | READ_ONCE(src->pvlan.qos) << VLAN_PRIO_SHIFT);
	return skb;
}

/*
 * A frame from @src enters the switch.  Called under rcu_read_lock_bh().
 * Returns whether the switch took it (and counted it in tx_packets); a
 * frame it refused is freed and counted in tx_dropped and its reason.
 */
bool iovnic_sw_xmit(struct iovnic_vport *src, struct sk_buff *skb)
{
	struct iovnic_vport_stats *s;
	unsigned int len = skb->len;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		iovnic_count_drop(src, IOVNIC_DROP_TX);
		goto free;
	}
	if (unlikely(!READ_ONCE(src->link_up))) {
		iovnic_count_drop(src, IOVNIC_DROP_TX_LINK);
		goto free;
	}
	if (src->idx != IOVNIC_PF_VPORT && READ_ONCE(src->vf.spoofchk) &&
	    unlikely(!ether_addr_equal(skb->data + ETH_ALEN, src->mac))) {
		iovnic_count_drop(src, IOVNIC_DROP_TX_SPOOF);
		goto free;
	}
	if (unlikely(!iovnic_rate_allow(&src->rate, len))) {
		iovnic_count_drop(src, IOVNIC_DROP_TX_RATE);
		goto free;
	}
	skb = iovnic_vlan_ingress(src, skb);
	if (unlikely(!skb)) {
		iovnic_count_drop(src, IOVNIC_DROP_TX_VLAN);
		return false;
	}

	s = this_cpu_ptr(src->stats);
	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);

	iovnic_forward(src->hw, src, skb);
	return true;

free:
	kfree_skb(skb);
	return false;
}
