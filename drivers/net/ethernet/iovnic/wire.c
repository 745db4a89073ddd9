// SPDX-License-Identifier: GPL-2.0
/*
 * The PF's physical port.  Uncabled it is up and leads nowhere (frames
 * sent there are counted and freed).  /sys/bus/pci/devices/<pf>/peer
 * cables it back to back to another iovnic PF's port: frames leaving one
 * switch enter the other, and the link is up while both PF netdevs are.
 * Or the PF driver cables it to a netdev of its own (the "ext" end):
 * what leaves the switch lands in ext_q for it, what it sends enters the
 * switch from the wire, and the link is up while both it and the PF
 * netdev are.  VFs in link state "auto" follow the port.
 */
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

/* Cabling and port state of all PFs: rtnl -> iovnic_wire_lock -> hw->lock */
static DEFINE_MUTEX(iovnic_wire_lock);

static struct iovnic_hw *iovnic_peer(struct iovnic_hw *hw)
{
	return rcu_dereference_protected(hw->peer,
					 lockdep_is_held(&iovnic_wire_lock));
}

/* Carrier and delivery of one vport after its link state or the port's. */
void iovnic_vport_update_link(struct iovnic_vport *vport)
{
	struct iovnic_hw *hw = vport->hw;
	bool up;

	lockdep_assert_held(&hw->lock);
	if (vport->idx == IOVNIC_PF_VPORT) {
		up = READ_ONCE(hw->port_up);
	} else {
		switch (vport->vf.link_state) {
		case IFLA_VF_LINK_STATE_ENABLE:
			up = vport->enabled;
			break;
		case IFLA_VF_LINK_STATE_DISABLE:
			up = false;
			break;
		default:
			up = vport->enabled && READ_ONCE(hw->port_up);
			break;
		}
		/* the PF always reaches its VFs; a VF's link gates delivery */
		WRITE_ONCE(vport->link_up, up);
	}
	if (vport->owner)
		vport->ops->link_changed(vport->owner, up);
}

/* Apply the port state to every vport of @hw. */
void iovnic_wire_update_link(struct iovnic_hw *hw)
{
	unsigned int i;

	mutex_lock(&hw->lock);
	for (i = 0; i <= hw->total_vfs; i++)
		iovnic_vport_update_link(&hw->vports[i]);
	mutex_unlock(&hw->lock);
}

static void iovnic_port_refresh(struct iovnic_hw *hw)
{
	struct iovnic_hw *peer = iovnic_peer(hw);
	bool up = true;

	if (peer)
		up = hw->port_enabled && peer->port_enabled;
	else if (hw->ext_ops)
		up = hw->port_enabled && hw->ext_up;
	WRITE_ONCE(hw->port_up, up);
	iovnic_wire_update_link(hw);
	/* the far end's carrier: this end enabled */
	if (hw->ext_ops)
		hw->ext_ops->link_changed(hw->ext_owner, hw->port_enabled);
}

/*
 * The PF driver enables the port (its netdev goes up) or disables it:
 * both ends of the cable may change.
 */
void iovnic_wire_port_enable(struct iovnic_hw *hw, bool on)
{
	struct iovnic_hw *peer;

	mutex_lock(&iovnic_wire_lock);
	hw->port_enabled = on;
	iovnic_port_refresh(hw);
	peer = iovnic_peer(hw);
	if (peer)
		iovnic_port_refresh(peer);
	mutex_unlock(&iovnic_wire_lock);
}

/* Frames leaving the switch through the port.  Under RCU-bh. */
void iovnic_wire_tx(struct iovnic_hw *hw, struct sk_buff *skb)
{
	struct iovnic_hw *peer = rcu_dereference_bh(hw->peer);

	atomic64_inc(&hw->wire_tx_packets);
	atomic64_add(skb->len, &hw->wire_tx_bytes);
	if (peer && READ_ONCE(hw->port_up))
		iovnic_sw_wire_rx(peer, skb);
	else if (READ_ONCE(hw->ext) && READ_ONCE(hw->port_up))
		iovnic_queue_hand(&hw->ext_q, skb);
	else
		consume_skb(skb);
}

/*
 * Cable the port to the PF driver's netdev: @ops tell it of this end's
 * state, @notify of frames in ext_q.  EBUSY if cabled to a peer or a
 * netdev already.
 */
int iovnic_wire_ext_attach(struct iovnic_hw *hw,
			   const struct iovnic_port_ops *ops, void *owner,
			   void (*notify)(void *ctx), void *ctx)
{
	int err;

	mutex_lock(&iovnic_wire_lock);
	if (iovnic_peer(hw) || hw->ext_ops) {
		err = -EBUSY;
		goto out;
	}
	err = iovnic_queue_init_ring(&hw->ext_q, IOVNIC_RING_SIZE, notify,
				     ctx);
	if (err)
		goto out;
	hw->ext_ops = ops;
	hw->ext_owner = owner;
	hw->ext_up = false;
	WRITE_ONCE(hw->ext, true);
	iovnic_port_refresh(hw);
out:
	mutex_unlock(&iovnic_wire_lock);
	return err;
}

/* Unplug the netdev (it is down: ext_q is stopped); the port is uncabled. */
void iovnic_wire_ext_detach(struct iovnic_hw *hw)
{
	mutex_lock(&iovnic_wire_lock);
	WRITE_ONCE(hw->ext, false);
	hw->ext_ops = NULL;
	hw->ext_owner = NULL;
	hw->ext_up = false;
	iovnic_port_refresh(hw);
	mutex_unlock(&iovnic_wire_lock);
	synchronize_net();
	iovnic_queue_fini(&hw->ext_q);
}

/* The netdev at the far end went up or down. */
void iovnic_wire_ext_set_up(struct iovnic_hw *hw, bool up)
{
	mutex_lock(&iovnic_wire_lock);
	hw->ext_up = up;
	iovnic_port_refresh(hw);
	mutex_unlock(&iovnic_wire_lock);
}

bool iovnic_wire_ext_attached(struct iovnic_hw *hw)
{
	bool ret;

	mutex_lock(&iovnic_wire_lock);
	ret = hw->ext_ops;
	mutex_unlock(&iovnic_wire_lock);
	return ret;
}

/*
 * A frame the far end's netdev sends: it enters the switch from the wire
 * while the link is up, else it is counted (port_rx_dropped) and freed.
 * Under RCU-bh.
 */
void iovnic_wire_ext_xmit(struct iovnic_hw *hw, struct sk_buff *skb)
{
	if (unlikely(!READ_ONCE(hw->port_up) || !READ_ONCE(hw->ext) ||
		     !pskb_may_pull(skb, ETH_HLEN))) {
		atomic64_inc(&hw->wire_rx_dropped);
		kfree_skb(skb);
		return;
	}
	iovnic_sw_wire_rx(hw, skb);
}

static void iovnic_unplug(struct iovnic_hw *hw)
{
	struct iovnic_hw *peer = iovnic_peer(hw);

	if (!peer)
		return;
	RCU_INIT_POINTER(hw->peer, NULL);
	RCU_INIT_POINTER(peer->peer, NULL);
	iovnic_port_refresh(hw);
	iovnic_port_refresh(peer);
}

void iovnic_wire_pf_bound(struct iovnic_hw *hw, struct pci_dev *pdev)
{
	mutex_lock(&iovnic_wire_lock);
	hw->pf_pdev = pdev;
	mutex_unlock(&iovnic_wire_lock);
}

/* The PF driver is going: unplug its cable first. */
void iovnic_wire_pf_unbound(struct iovnic_hw *hw)
{
	mutex_lock(&iovnic_wire_lock);
	iovnic_unplug(hw);
	hw->pf_pdev = NULL;
	mutex_unlock(&iovnic_wire_lock);
	synchronize_net();
}

/* The PF at the other end of the cable, with a reference; or NULL. */
struct pci_dev *iovnic_wire_peer_get(struct iovnic_hw *hw)
{
	struct iovnic_hw *peer;
	struct pci_dev *pdev;

	mutex_lock(&iovnic_wire_lock);
	peer = iovnic_peer(hw);
	pdev = peer ? pci_dev_get(peer->pf_pdev) : NULL;
	mutex_unlock(&iovnic_wire_lock);
	return pdev;
}

/*
 * Cable @hw's port to @other's: EINVAL for itself or a PF without a
 * driver, EBUSY if either is cabled elsewhere, to a peer or its port
 * netdev (unplug first).
 */
int iovnic_wire_connect(struct iovnic_hw *hw, struct iovnic_hw *other)
{
	struct iovnic_hw *cur;
	int err = 0;

	mutex_lock(&iovnic_wire_lock);
	cur = iovnic_peer(hw);
	if (other == hw || !other->pf_pdev || !hw->pf_pdev) {
		err = -EINVAL;
		goto out;
	}
	if (cur == other)
		goto out;		/* already cabled so */
	if (cur || iovnic_peer(other) || hw->ext_ops || other->ext_ops) {
		err = -EBUSY;
		goto out;
	}
	rcu_assign_pointer(hw->peer, other);
	rcu_assign_pointer(other->peer, hw);
	iovnic_port_refresh(hw);
	iovnic_port_refresh(other);
out:
	mutex_unlock(&iovnic_wire_lock);
	return err;
}

/* Unplug @hw's cable, if any; no frame crosses it after this returns. */
void iovnic_wire_disconnect(struct iovnic_hw *hw)
{
	mutex_lock(&iovnic_wire_lock);
	iovnic_unplug(hw);
	mutex_unlock(&iovnic_wire_lock);
	synchronize_net();
}
