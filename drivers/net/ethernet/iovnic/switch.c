// SPDX-License-Identifier: GPL-2.0
/*
 * The NIC's embedded switch (VEB).  Every function owns a vport; frames a
 * vport transmits are matched against exact (MAC, VLAN) filters and handed,
 * without a copy, to the receive queue of the vport that owns the
 * destination, or sent to the wire when no vport does.  Broadcast and
 * multicast go to every other vport; a frame never returns to its sender.
 *
 * The filter table is read under RCU on the data path and changed under
 * hw->lock.
 */
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/skbuff.h>

#include "iovnic.h"

static u64 iovnic_fdb_key(const u8 *addr, u16 vlan)
{
	return ether_addr_to_u64(addr) | ((u64)vlan << 48);
}

static struct iovnic_filter *iovnic_fdb_find(struct iovnic_hw *hw,
					     const u8 *addr, u16 vlan)
{
	struct iovnic_filter *f;

	hash_for_each_possible_rcu(hw->fdb, f, node,
				   iovnic_fdb_key(addr, vlan)) {
		if (f->vlan == vlan && ether_addr_equal(f->addr, addr))
			return f;
	}
	return NULL;
}

/* Add a unicast filter for @vport; the caller holds hw->lock. */
static struct iovnic_filter *iovnic_fdb_add(struct iovnic_vport *vport,
					    const u8 *addr, u16 vlan)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_filter *f;

	lockdep_assert_held(&hw->lock);
	f = iovnic_fdb_find(hw, addr, vlan);
	if (f)
		return ERR_PTR(-EADDRINUSE);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	ether_addr_copy(f->addr, addr);
	f->vlan = vlan;
	f->vport = vport;
	hash_add_rcu(hw->fdb, &f->node, iovnic_fdb_key(addr, vlan));
	return f;
}

static void iovnic_fdb_del(struct iovnic_hw *hw, struct iovnic_filter *f)
{
	lockdep_assert_held(&hw->lock);
	if (!f)
		return;
	hash_del_rcu(&f->node);
	kfree_rcu(f, rcu);
}

static void iovnic_vf_cfg_reset(struct iovnic_vport *vport)
{
	memset(&vport->vf, 0, sizeof(vport->vf));
	vport->vf.spoofchk = true;
	vport->vf.link_state = IFLA_VF_LINK_STATE_AUTO;
}

int iovnic_sw_init(struct iovnic_hw *hw)
{
	struct iovnic_vport *vport;
	unsigned int i;

	mutex_init(&hw->lock);
	hash_init(hw->fdb);
	get_random_bytes(hw->switch_id, sizeof(hw->switch_id));
	hw->vports = kvcalloc(1 + hw->total_vfs, sizeof(*hw->vports),
			      GFP_KERNEL);
	if (!hw->vports)
		return -ENOMEM;
	for (i = 0; i <= hw->total_vfs; i++) {
		vport = &hw->vports[i];
		vport->hw = hw;
		vport->idx = i;
		iovnic_vf_cfg_reset(vport);
		vport->stats = netdev_alloc_pcpu_stats(struct iovnic_vport_stats);
		if (!vport->stats)
			goto err;
	}
	hw->vports[IOVNIC_PF_VPORT].enabled = true;
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
	unsigned int i;

	mutex_lock(&hw->lock);
	for (i = 0; i < num_vfs; i++)
		hw->vports[IOVNIC_VF_VPORT(i)].enabled = true;
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
		iovnic_vf_cfg_reset(vport);
	}
	hw->num_vfs = 0;
	mutex_unlock(&hw->lock);
}

int iovnic_vport_attach(struct iovnic_vport *vport, struct net_device *dev,
			struct napi_struct *napi)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_filter *f;
	int err;

	err = ptr_ring_init(&vport->rxq, IOVNIC_RING_SIZE, GFP_KERNEL);
	if (err)
		return err;

	mutex_lock(&hw->lock);
	if (!vport->enabled || rcu_access_pointer(vport->netdev)) {
		err = -ENODEV;
		goto err_unlock;
	}
	f = iovnic_fdb_add(vport, dev->dev_addr, 0);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto err_unlock;
	}
	vport->uc_filter = f;
	vport->napi = napi;
	rcu_assign_pointer(vport->netdev, dev);
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
	iovnic_fdb_del(hw, vport->uc_filter);
	vport->uc_filter = NULL;
	RCU_INIT_POINTER(vport->netdev, NULL);
	mutex_unlock(&hw->lock);
	synchronize_net();
	vport->napi = NULL;
	ptr_ring_cleanup(&vport->rxq, iovnic_skb_destroy);
}

/* Move the vport's own unicast filter to @addr. */
int iovnic_vport_set_mac(struct iovnic_vport *vport, const u8 *addr)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_filter *f;
	int err = 0;

	mutex_lock(&hw->lock);
	if (vport->uc_filter && ether_addr_equal(vport->uc_filter->addr, addr))
		goto out;
	f = iovnic_fdb_add(vport, addr, 0);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out;
	}
	iovnic_fdb_del(hw, vport->uc_filter);
	vport->uc_filter = f;
out:
	mutex_unlock(&hw->lock);
	return err;
}

void iovnic_vport_rx_start(struct iovnic_vport *vport)
{
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
	synchronize_net();
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
	struct iovnic_vport_stats t;
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(vport->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			t = *s;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum->rx_packets += t.rx_packets;
		sum->rx_bytes += t.rx_bytes;
		sum->rx_dropped += t.rx_dropped;
		sum->tx_packets += t.tx_packets;
		sum->tx_bytes += t.tx_bytes;
		sum->tx_dropped += t.tx_dropped;
		sum->broadcast += t.broadcast;
		sum->multicast += t.multicast;
	}
}

static void iovnic_vport_count_tx(struct iovnic_vport *vport,
				  unsigned int len, bool ok)
{
	struct iovnic_vport_stats *s = this_cpu_ptr(vport->stats);

	u64_stats_update_begin(&s->syncp);
	if (ok) {
		s->tx_packets++;
		s->tx_bytes += len;
	} else {
		s->tx_dropped++;
	}
	u64_stats_update_end(&s->syncp);
}

static void iovnic_vport_count_rx(struct iovnic_vport *vport,
				  const u8 *dst, unsigned int len, bool ok)
{
	struct iovnic_vport_stats *s = this_cpu_ptr(vport->stats);

	u64_stats_update_begin(&s->syncp);
	if (!ok) {
		s->rx_dropped++;
	} else {
		s->rx_packets++;
		s->rx_bytes += len;
		if (is_broadcast_ether_addr(dst))
			s->broadcast++;
		else if (is_multicast_ether_addr(dst))
			s->multicast++;
	}
	u64_stats_update_end(&s->syncp);
}

/*
 * Hand @skb to @dst's receive queue and raise its interrupt.  The frame is
 * not copied: the receiver gets the very buffer the sender built.
 */
static void iovnic_deliver(struct iovnic_vport *dst, struct sk_buff *skb,
			   const u8 *daddr)
{
	unsigned int len = skb->len;
	struct net_device *dev;

	dev = rcu_dereference_bh(dst->netdev);
	if (!dev || !READ_ONCE(dst->rx_ready))
		goto drop;
	if (____dev_forward_skb(dev, skb, true)) {
		iovnic_vport_count_rx(dst, daddr, len, false);
		return;		/* freed and counted by the core */
	}
	if (ptr_ring_produce(&dst->rxq, skb))
		goto drop;
	iovnic_vport_count_rx(dst, daddr, len, true);
	napi_schedule(dst->napi);
	return;

drop:
	iovnic_vport_count_rx(dst, daddr, len, false);
	kfree_skb(skb);
}

static void iovnic_wire_tx(struct iovnic_hw *hw, struct sk_buff *skb)
{
	atomic64_inc(&hw->wire_tx_packets);
	atomic64_add(skb->len, &hw->wire_tx_bytes);
	consume_skb(skb);
}

/* Replicate to every other vport that is up; the last one gets @skb. */
static void iovnic_flood(struct iovnic_vport *src, struct sk_buff *skb,
			 const u8 *daddr)
{
	struct iovnic_hw *hw = src->hw;
	struct iovnic_vport *vport, *prev = NULL;
	struct sk_buff *clone;
	unsigned int i;

	atomic64_inc(&hw->wire_tx_packets);
	atomic64_add(skb->len, &hw->wire_tx_bytes);
	for (i = 0; i <= hw->total_vfs; i++) {
		vport = &hw->vports[i];
		if (vport == src || !READ_ONCE(vport->rx_ready))
			continue;
		if (prev) {
			clone = skb_clone(skb, GFP_ATOMIC);
			if (clone)
				iovnic_deliver(prev, clone, daddr);
			else
				iovnic_vport_count_rx(prev, daddr, 0, false);
		}
		prev = vport;
	}
	if (prev)
		iovnic_deliver(prev, skb, daddr);
	else
		consume_skb(skb);
}

/* A frame from @src enters the switch.  Called under rcu_read_lock_bh(). */
netdev_tx_t iovnic_sw_xmit(struct iovnic_vport *src, struct sk_buff *skb)
{
	struct iovnic_filter *f;
	u8 daddr[ETH_ALEN];

	if (unlikely(skb->len < ETH_HLEN)) {
		iovnic_vport_count_tx(src, 0, false);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	ether_addr_copy(daddr, skb->data);
	iovnic_vport_count_tx(src, skb->len, true);

	if (is_multicast_ether_addr(daddr)) {
		iovnic_flood(src, skb, daddr);
		return NETDEV_TX_OK;
	}
	f = iovnic_fdb_find(src->hw, daddr, 0);
	if (!f)
		iovnic_wire_tx(src->hw, skb);
	else if (f->vport == src)
		kfree_skb(skb);	/* never back to the sender */
	else
		iovnic_deliver(f->vport, skb, daddr);
	return NETDEV_TX_OK;
}
