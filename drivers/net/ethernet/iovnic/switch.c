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
 * A VF that has a standby path (synth.c) and no link owns no address.
 *
 * The checks and classifications it calls are each in a file of their
 * own: vlan.c (tags), policer.c (max_tx_rate), rss.c (which queue),
 * coalesce.c (the queue's interrupt), filter.c (the (MAC, VLAN) table).
 */
#include <linux/skbuff.h>

#include "iovnic.h"

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

/*
 * Does @v take a frame to @daddr in @vid that no filter matched as unicast:
 * a broadcast, a multicast (@subs: the subscribed vports) or an unknown
 * unicast?
 */
static bool iovnic_vport_accepts(const struct iovnic_vport *v,
				 const u8 *daddr, u16 vid,
				 const unsigned long *subs)
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
	return test_bit(v->idx, subs);
}

/*
 * Make @skb the receiver's own, as it leaves the sender's host stack:
 * the receiver's GRO merges later segments into its shared info and the
 * stack writes its head, so a clone (TCP keeps the original in its
 * retransmit queue; flooding clones for each receiver) gets a head of its
 * own first.  That copies the headers, never the payload in the page
 * frags.  Nothing of the sender's socket or state goes along.  Returns
 * NULL (and frees @skb) if memory is short.
 */
struct sk_buff *iovnic_skb_take(struct sk_buff *skb)
{
	if (skb_cloned(skb)) {
		if (unlikely(skb_shared(skb))) {
			skb = skb_unshare(skb, GFP_ATOMIC);	/* a copy */
			if (unlikely(!skb))
				return NULL;
		} else if (unlikely(pskb_expand_head(skb, 0, 0, GFP_ATOMIC))) {
			goto free;
		}
	}
	if (unlikely(skb_orphan_frags(skb, GFP_ATOMIC)))
		goto free;
	skb_scrub_packet(skb, true);
	skb->priority = 0;
	return skb;

free:
	kfree_skb(skb);
	return NULL;
}

/*
 * Hand @skb to @dst's receive queue and raise its interrupt.  The frame is
 * not copied: the receiver gets the very buffer the sender built.
 */
void iovnic_deliver(struct iovnic_vport *dst, struct sk_buff *skb)
{
	bool bcast = is_broadcast_ether_addr(skb->data);
	bool mcast = !bcast && is_multicast_ether_addr(skb->data);
	unsigned int len = skb->len;
	struct iovnic_queue *q;

	if (unlikely(!READ_ONCE(dst->link_up))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX_LINK);
		goto free;
	}
	if (unlikely(!READ_ONCE(dst->rx_ready))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX);
		goto free;
	}
	/*
	 * As a NIC drops what exceeds its max frame size (a GSO frame
	 * stands for segments that each fit, as the core's check says).
	 */
	if (unlikely(len > READ_ONCE(dst->max_frame) && !skb_is_gso(skb))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX_LEN);
		goto free;
	}
	q = iovnic_rx_queue(dst, skb);
	if (unlikely(!q || !READ_ONCE(q->rx_ready))) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX);
		goto free;
	}
	/* a port VLAN strips the tag (the eswitch's rules decide instead) */
	if (unlikely(READ_ONCE(dst->pvlan.vid)) &&
	    !READ_ONCE(dst->hw->switchdev))
		__vlan_hwaccel_clear_tag(skb);
	skb = iovnic_skb_take(skb);
	if (unlikely(!skb)) {
		iovnic_count_drop(dst, IOVNIC_DROP_RX);
		return;
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

	if (!rcu_access_pointer(hw->peer) && !READ_ONCE(hw->ext)) {
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
	DECLARE_BITMAP(subs, 1 + IOVNIC_MAX_VFS);
	struct iovnic_vport *vport, *prev = NULL;
	const u8 *daddr = skb->data;
	struct sk_buff *clone;
	unsigned int i, n;

	if (src)
		iovnic_flood_wire(hw, skb);
	n = READ_ONCE(hw->num_vfs);
	if (is_multicast_ether_addr(daddr) && !is_broadcast_ether_addr(daddr)) {
		bitmap_zero(subs, 1 + n);
		iovnic_fdb_subscribers(hw, daddr, vid, subs);
	}
	/* the PF and the enabled VFs */
	for (i = 0; i <= n; i++) {
		vport = &hw->vports[i];
		if (vport == src || !iovnic_vport_accepts(vport, daddr, vid, subs))
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
	/* a VF with a standby path and no link gives up its MAC */
	if (f && unlikely(READ_ONCE(f->vport->standby)) &&
	    !READ_ONCE(f->vport->link_up))
		f = NULL;
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
	if (unlikely(READ_ONCE(hw->switchdev)))
		iovnic_esw_wire_rx(hw, skb);
	else
		iovnic_forward(hw, NULL, skb);
}

/*
 * A frame from @src enters the switch.  Called under rcu_read_lock_bh().
 * Returns whether the switch took it (and counted it in tx_packets); a
 * frame it refused is freed and counted in tx_dropped and its reason.
 */
bool iovnic_sw_xmit(struct iovnic_vport *src, struct sk_buff *skb)
{
	bool esw = READ_ONCE(src->hw->switchdev);
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
	/* switchdev mode: the eswitch's rules stand for spoofchk and VLANs */
	if (src->idx != IOVNIC_PF_VPORT && READ_ONCE(src->vf.spoofchk) &&
	    !esw &&
	    unlikely(!ether_addr_equal(skb->data + ETH_ALEN, src->mac))) {
		iovnic_count_drop(src, IOVNIC_DROP_TX_SPOOF);
		goto free;
	}
	if (unlikely(!iovnic_rate_allow(&src->rate, len))) {
		iovnic_count_drop(src, IOVNIC_DROP_TX_RATE);
		goto free;
	}
	if (likely(!esw)) {
		skb = iovnic_vlan_ingress(src, skb);
		if (unlikely(!skb)) {
			iovnic_count_drop(src, IOVNIC_DROP_TX_VLAN);
			return false;
		}
	}

	s = this_cpu_ptr(src->stats);
	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);

	if (unlikely(esw))
		iovnic_esw_xmit(src, skb);
	else
		iovnic_forward(src->hw, src, skb);
	return true;

free:
	kfree_skb(skb);
	return false;
}
