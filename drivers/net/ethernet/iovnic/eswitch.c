// SPDX-License-Identifier: GPL-2.0
/*
 * Switchdev mode: the eswitch forwards by offloaded flow rules (flow.c)
 * instead of the VEB's (MAC, VLAN) filters.  A frame a VF sends, or one
 * from the wire, that no rule takes goes the slow path: to the VF's
 * representor queue, or to the uplink (the PF's own queues).  A frame
 * the PF sends goes to the wire; one sent on a representor goes to its VF.
 * The VF's link state and policer still apply; spoof check, port VLAN and
 * the filter table do not (the rules stand for them).
 */
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "iovnic.h"

/*
 * Legacy <-> switchdev, under RTNL.  The PF driver sets up the
 * representors before and tears them down after; frames in flight take
 * the old path.  Back to legacy is refused (EBUSY) while flow rules are
 * installed: they are added only in switchdev mode, under the same lock.
 */
int iovnic_esw_set_mode(struct iovnic_hw *hw, bool switchdev)
{
	ASSERT_RTNL();
	mutex_lock(&hw->lock);
	if (!switchdev && hw->num_flows) {
		mutex_unlock(&hw->lock);
		return -EBUSY;
	}
	WRITE_ONCE(hw->switchdev, switchdev);
	mutex_unlock(&hw->lock);
	synchronize_net();
	return 0;
}

/* The representor's queue: its ring, and whom to tell of frames. */
int iovnic_esw_rep_init(struct iovnic_vport *vport, void (*notify)(void *ctx),
			void *ctx)
{
	return iovnic_queue_init_ring(&vport->rep_q, IOVNIC_RING_SIZE, notify,
				      ctx);
}

/* After iovnic_esw_rep_rx_stop(): nothing delivers to the ring. */
void iovnic_esw_rep_fini(struct iovnic_vport *vport)
{
	iovnic_queue_fini(&vport->rep_q);
}

void iovnic_esw_rep_rx_start(struct iovnic_vport *vport)
{
	iovnic_queue_rx_start(&vport->rep_q);
}

/* No sender is left once this returns; the ring is purged. */
void iovnic_esw_rep_rx_stop(struct iovnic_vport *vport)
{
	iovnic_queue_stop(&vport->rep_q);
}

/* The slow path of a frame from VF @vport: to its representor's queue. */
static void iovnic_esw_to_rep(struct iovnic_vport *vport, struct sk_buff *skb)
{
	iovnic_queue_hand(&vport->rep_q, skb);
}

/* What no rule took: VF -> its representor, wire -> the uplink. */
void iovnic_esw_slow_path(struct iovnic_hw *hw, u16 in_port,
			  struct sk_buff *skb)
{
	if (in_port == IOVNIC_PF_VPORT)
		iovnic_deliver(&hw->vports[IOVNIC_PF_VPORT], skb);
	else
		iovnic_esw_to_rep(&hw->vports[in_port], skb);
}

/* A frame from the wire (switchdev mode).  Under RCU-bh. */
void iovnic_esw_wire_rx(struct iovnic_hw *hw, struct sk_buff *skb)
{
	if (!iovnic_flow_run(hw, IOVNIC_PF_VPORT, skb))
		iovnic_deliver(&hw->vports[IOVNIC_PF_VPORT], skb);
}

/* A frame sent on VF @vport's representor goes to the VF.  Under RCU-bh. */
void iovnic_esw_rep_xmit(struct iovnic_vport *vport, struct sk_buff *skb)
{
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		iovnic_count_drop(vport, IOVNIC_DROP_RX);
		kfree_skb(skb);
		return;
	}
	iovnic_deliver(vport, skb);
}
