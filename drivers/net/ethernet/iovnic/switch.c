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
#include <linux/irq.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/skbuff.h>

#include "iovnic.h"

/* Why the switch dropped a frame: each bumps rx_dropped or tx_dropped. */
enum iovnic_drop {
	IOVNIC_DROP_RX,			/* no receiver, clone failed, ... */
	IOVNIC_DROP_RX_LINK,		/* receiver's link state is down */
	IOVNIC_DROP_RX_RING,		/* receive ring full */
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

static void iovnic_vf_cfg_reset(struct iovnic_vport *vport)
{
	memset(&vport->vf, 0, sizeof(vport->vf));
	vport->vf.spoofchk = true;
	vport->vf.link_state = IFLA_VF_LINK_STATE_AUTO;
	memset(&vport->pvlan, 0, sizeof(vport->pvlan));
	vport->pvlan.proto = htons(ETH_P_8021Q);
	iovnic_vport_set_rate(vport, 0);
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
		hrtimer_init(&vport->coal_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		vport->coal_timer.function = iovnic_coal_timer;
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
			free_percpu(hw->vports[i].stats);
		kvfree(hw->vports);
		hw->vports = NULL;
	}
	mutex_destroy(&hw->lock);
}

void iovnic_sw_enable_vfs(struct iovnic_hw *hw, u16 num_vfs)
{
	struct iovnic_vport *vport;
	unsigned int i;

	mutex_lock(&hw->lock);
	for (i = 0; i < num_vfs; i++) {
		vport = &hw->vports[IOVNIC_VF_VPORT(i)];
		vport->enabled = true;
		iovnic_vport_update_link(vport);
	}
	hw->num_vfs = num_vfs;
	mutex_unlock(&hw->lock);
}

/* VF Enable cleared: the VFs' vports go back to their reset state. */
void iovnic_sw_disable_vfs(struct iovnic_hw *hw)
{
	struct iovnic_vport *vport;
	unsigned int i;

	mutex_lock(&hw->lock);
	for (i = 0; i < hw->num_vfs; i++) {
		vport = &hw->vports[IOVNIC_VF_VPORT(i)];
		vport->enabled = false;
		WRITE_ONCE(vport->link_up, false);
		iovnic_vf_cfg_reset(vport);
	}
	hw->num_vfs = 0;
	mutex_unlock(&hw->lock);
}

int iovnic_vport_attach(struct iovnic_vport *vport, struct net_device *dev,
			struct napi_struct *napi)
{
	struct iovnic_hw *hw = vport->hw;
	int err;

	err = ptr_ring_init(&vport->rxq, IOVNIC_RING_SIZE, GFP_KERNEL);
	if (err)
		return err;

	mutex_lock(&hw->lock);
	if (!vport->enabled || rcu_access_pointer(vport->netdev)) {
		err = -ENODEV;
		goto err_unlock;
	}
	if (iovnic_fdb_find(hw, dev->dev_addr, vport->pvlan.vid)) {
		err = -EADDRINUSE;
		goto err_unlock;
	}
	ether_addr_copy(vport->mac, dev->dev_addr);
	vport->napi = napi;
	rcu_assign_pointer(vport->netdev, dev);
	iovnic_vport_sync_filters(vport);
	iovnic_vport_update_link(vport);
	mutex_unlock(&hw->lock);
	return 0;

err_unlock:
	mutex_unlock(&hw->lock);
	ptr_ring_cleanup(&vport->rxq, NULL);
	return err;
}

static void iovnic_skb_destroy(void *ptr)
{
	kfree_skb(ptr);
}

void iovnic_vport_detach(struct iovnic_vport *vport)
{
	struct iovnic_hw *hw = vport->hw;

	mutex_lock(&hw->lock);
	RCU_INIT_POINTER(vport->netdev, NULL);
	iovnic_vport_flush_filters(vport);
	mutex_unlock(&hw->lock);
	synchronize_net();
	vport->napi = NULL;
	ptr_ring_cleanup(&vport->rxq, iovnic_skb_destroy);
}

void iovnic_vport_rx_start(struct iovnic_vport *vport)
{
	atomic_set(&vport->coal_count, 0);
	set_bit(IOVNIC_IRQ_ARMED, &vport->irq_flags);
	WRITE_ONCE(vport->rx_ready, true);
}

/*
 * Stop delivering to the vport and drop what its queue holds.  The caller
 * disables NAPI between the two halves: no sender is left once
 * synchronize_net() returns, no poller once napi_disable() does.
 */
void iovnic_vport_rx_stop(struct iovnic_vport *vport)
{
	WRITE_ONCE(vport->rx_ready, false);
	clear_bit(IOVNIC_IRQ_ARMED, &vport->irq_flags);
	synchronize_net();
	hrtimer_cancel(&vport->coal_timer);
	clear_bit(IOVNIC_IRQ_TIMER, &vport->irq_flags);
}

void iovnic_vport_rx_purge(struct iovnic_vport *vport)
{
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&vport->rxq)))
		kfree_skb(skb);
}

void iovnic_vport_get_stats(struct iovnic_vport *vport,
			    struct iovnic_vport_stats *sum)
{
	const struct iovnic_vport_stats *s;
	u64 *out = (u64 *)sum, t[IOVNIC_VPORT_NSTATS];
	unsigned int start, i;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(vport->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(t, s, sizeof(t));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < IOVNIC_VPORT_NSTATS; i++)
			out[i] += t[i];
	}
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

/* Does the vport's owner get what its promisc/allmulti flags ask for? */
static bool iovnic_vport_trusted(const struct iovnic_vport *v)
{
	return v->idx == IOVNIC_PF_VPORT || READ_ONCE(v->vf.trust);
}

static bool iovnic_vport_in_vlan(const struct iovnic_vport *v, u16 vid)
{
	u16 pvid = READ_ONCE(v->pvlan.vid);

	if (pvid)
		return vid == pvid;
	if (!vid || test_bit(vid, v->vlans))
		return true;
	return READ_ONCE(v->promisc) && iovnic_vport_trusted(v);
}

/*
 * Does @v take a frame to @daddr in @vid that no filter matched as unicast:
 * a broadcast, a multicast or an unknown unicast?
 */
static bool iovnic_vport_accepts(struct iovnic_hw *hw,
				 const struct iovnic_vport *v,
				 const u8 *daddr, u16 vid)
{
	bool promisc = READ_ONCE(v->promisc) && iovnic_vport_trusted(v);

	if (!READ_ONCE(v->rx_ready) || !iovnic_vport_in_vlan(v, vid))
		return false;
	if (!is_multicast_ether_addr(daddr))
		return promisc;
	if (is_broadcast_ether_addr(daddr) || promisc)
		return true;
	if (READ_ONCE(v->allmulti) && iovnic_vport_trusted(v))
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

static void iovnic_vport_fire(struct iovnic_vport *vport)
{
	struct irq_data *irqd;

	if (!test_and_clear_bit(IOVNIC_IRQ_ARMED, &vport->irq_flags))
		return;
	irqd = READ_ONCE(vport->irqd);
	if (irqd)
		iovnic_irq_raise(irqd);
	else
		napi_schedule(vport->napi);
}

static enum hrtimer_restart iovnic_coal_timer(struct hrtimer *t)
{
	struct iovnic_vport *vport = container_of(t, struct iovnic_vport,
						  coal_timer);

	clear_bit(IOVNIC_IRQ_TIMER, &vport->irq_flags);
	iovnic_vport_fire(vport);
	return HRTIMER_NORESTART;
}

/*
 * A frame is in the ring: interrupt the owner unless its vector is masked
 * (NAPI is polling), as a real NIC raises one MSI per batch.  With
 * moderation the interrupt waits rx-usecs, or until rx-frames arrived.
 */
static void iovnic_vport_kick(struct iovnic_vport *vport)
{
	u32 usecs, frames;

	if (!test_bit(IOVNIC_IRQ_ARMED, &vport->irq_flags))
		return;
	usecs = READ_ONCE(vport->coal_usecs);
	if (usecs) {
		frames = READ_ONCE(vport->coal_frames);
		if (!frames ||
		    atomic_inc_return(&vport->coal_count) < frames) {
			if (!test_and_set_bit(IOVNIC_IRQ_TIMER,
					      &vport->irq_flags))
				hrtimer_start(&vport->coal_timer,
					      ns_to_ktime(usecs * NSEC_PER_USEC),
					      HRTIMER_MODE_REL);
			return;
		}
	}
	iovnic_vport_fire(vport);
}

/* NAPI completed: unmask, and catch what arrived while it finished. */
void iovnic_vport_irq_rearm(struct iovnic_vport *vport)
{
	atomic_set(&vport->coal_count, 0);
	set_bit(IOVNIC_IRQ_ARMED, &vport->irq_flags);
	/*
	 * Order the unmask before the ring check; pairs with the producer's
	 * ring write before its test_and_clear_bit() in iovnic_vport_fire():
	 * either it sees the vector armed or we see its frame.
	 */
	smp_mb__after_atomic();
	if (!__ptr_ring_empty(&vport->rxq) &&
	    test_and_clear_bit(IOVNIC_IRQ_ARMED, &vport->irq_flags))
		napi_schedule(vport->napi);
}

void iovnic_vport_set_coalesce(struct iovnic_vport *vport, u32 usecs,
			       u32 frames)
{
	WRITE_ONCE(vport->coal_frames, frames);
	WRITE_ONCE(vport->coal_usecs, usecs);
}

/* The owner's vector (0: none, NAPI is scheduled directly). */
void iovnic_vport_irq_set(struct iovnic_vport *vport, int irq)
{
	WRITE_ONCE(vport->irqd, irq ? irq_get_irq_data(irq) : NULL);
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
	if (READ_ONCE(dst->pvlan.vid))
		__vlan_hwaccel_clear_tag(skb);
	if (____dev_forward_skb(dev, skb, true)) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX);
		return;		/* freed and counted by the core */
	}
	if (unlikely(ptr_ring_produce(&dst->rxq, skb))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX_RING);
		goto free;
	}
	iovnic_count_rx(dst, bcast, mcast, len);
	iovnic_vport_kick(dst);
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
	for (i = 0; i <= hw->total_vfs; i++) {
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

/* Move a tag from the payload to skb->vlan_tci. */
static struct sk_buff *iovnic_vlan_untag(struct sk_buff *skb)
{
	struct vlan_ethhdr *veth;
	__be16 proto;
	u16 tci;

	if (unlikely(skb->len < VLAN_ETH_HLEN ||
		     skb_ensure_writable(skb, VLAN_ETH_HLEN))) {
		kfree_skb(skb);
		return NULL;
	}
	veth = (struct vlan_ethhdr *)skb->data;
	proto = veth->h_vlan_proto;
	tci = ntohs(veth->h_vlan_TCI);
	memmove(skb->data + VLAN_HLEN, skb->data, 2 * ETH_ALEN);
	__skb_pull(skb, VLAN_HLEN);
	skb_reset_mac_header(skb);
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

/* A frame from @src enters the switch.  Called under rcu_read_lock_bh(). */
netdev_tx_t iovnic_sw_xmit(struct iovnic_vport *src, struct sk_buff *skb)
{
	struct iovnic_vport_stats *s;
	unsigned int len = skb->len;

	if (unlikely(len < ETH_HLEN)) {
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
		return NETDEV_TX_OK;
	}

	s = this_cpu_ptr(src->stats);
	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);

	iovnic_forward(src->hw, src, skb);
	return NETDEV_TX_OK;

free:
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
