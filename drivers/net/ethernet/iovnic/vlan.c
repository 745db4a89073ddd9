// SPDX-License-Identifier: GPL-2.0
/*
 * VLANs in the switch: a frame's tag is always out of band there
 * (skb->vlan_tci).  Tags a sender put in the payload are taken out at
 * ingress, a port VLAN is pushed there (ip link set <pf> vf N vlan V),
 * and stripped again at delivery.
 */
#include <linux/skbuff.h>

#include "iovnic.h"

bool iovnic_vport_in_vlan(const struct iovnic_vport *v, u16 vid)
{
	u16 pvid = READ_ONCE(v->pvlan.vid);

	if (pvid)
		return vid == pvid;
	if (!vid || test_bit(vid, v->vlans))
		return true;
	return READ_ONCE(v->promisc_granted);
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
struct sk_buff *iovnic_vlan_ingress(struct iovnic_vport *src,
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
