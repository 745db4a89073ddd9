// SPDX-License-Identifier: GPL-2.0
/*
 * The switch's receive filters: exact (MAC, VLAN) keys in a hash table,
 * read under RCU on the data path and changed under hw->lock.
 *
 * A vport's filters are derived from what its owner asked for: its own
 * MAC, the secondary unicast and multicast lists of its netdev
 * (ndo_set_rx_mode) and the VLANs it joined (ndo_vlan_rx_add_vid), or only
 * its port VLAN when the PF set one.  iovnic_vport_sync_filters() makes the
 * table match that wish, touching only the entries that change.
 */
#include <linux/slab.h>

#include "iovnic.h"

static u32 iovnic_fdb_key(const u8 *addr, u16 vlan)
{
	return (u32)ether_addr_to_u64(addr) ^ ((u32)addr[0] << 24) ^
	       ((u32)addr[1] << 16) ^ vlan;
}

struct iovnic_filter *iovnic_fdb_find(struct iovnic_hw *hw, const u8 *addr,
				      u16 vlan)
{
	struct iovnic_filter *f;

	hash_for_each_possible_rcu(hw->fdb, f, node,
				   iovnic_fdb_key(addr, vlan)) {
		if (f->vlan == vlan && ether_addr_equal(f->addr, addr))
			return f;
	}
	return NULL;
}

static struct iovnic_filter *
iovnic_fdb_find_vport(struct iovnic_hw *hw, const u8 *addr, u16 vlan,
		      const struct iovnic_vport *vport)
{
	struct iovnic_filter *f;

	hash_for_each_possible_rcu(hw->fdb, f, node,
				   iovnic_fdb_key(addr, vlan)) {
		if (f->vport == vport && f->vlan == vlan &&
		    ether_addr_equal(f->addr, addr))
			return f;
	}
	return NULL;
}

/* Has @vport subscribed to multicast @addr in @vlan?  Under RCU. */
bool iovnic_fdb_has(struct iovnic_hw *hw, const u8 *addr, u16 vlan,
		    const struct iovnic_vport *vport)
{
	return iovnic_fdb_find_vport(hw, addr, vlan, vport);
}

static int iovnic_fdb_add(struct iovnic_vport *vport, const u8 *addr,
			  u16 vlan)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_filter *f;

	if (hw->num_filters >= IOVNIC_MAX_FILTERS)
		return -ENOSPC;
	/* a unicast key has one owner */
	if (!is_multicast_ether_addr(addr) && iovnic_fdb_find(hw, addr, vlan))
		return -EADDRINUSE;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	ether_addr_copy(f->addr, addr);
	f->vlan = vlan;
	f->vport = vport;
	list_add_tail(&f->list, &vport->filters);
	hash_add_rcu(hw->fdb, &f->node, iovnic_fdb_key(addr, vlan));
	hw->num_filters++;
	return 0;
}

static void iovnic_fdb_del(struct iovnic_filter *f)
{
	struct iovnic_vport *vport = f->vport;

	hash_del_rcu(&f->node);
	list_del(&f->list);
	vport->hw->num_filters--;
	kfree_rcu(f, rcu);
}

/* Keep (or create) the filter (@addr, @vlan) of @vport in a resync. */
static void iovnic_filter_want(struct iovnic_vport *vport, const u8 *addr,
			       u16 vlan)
{
	struct iovnic_filter *f;

	f = iovnic_fdb_find_vport(vport->hw, addr, vlan, vport);
	if (f)
		f->stale = false;
	else
		iovnic_fdb_add(vport, addr, vlan); /* conflicts are skipped */
}

static void iovnic_filter_want_vlan(struct iovnic_vport *vport, u16 vlan)
{
	unsigned int i;

	iovnic_filter_want(vport, vport->mac, vlan);
	for (i = 0; i < vport->uc_count; i++)
		iovnic_filter_want(vport, vport->uc[i], vlan);
	for (i = 0; i < vport->mc_count; i++)
		iovnic_filter_want(vport, vport->mc[i], vlan);
}

/* Make the table hold exactly what @vport's owner asked for. */
void iovnic_vport_sync_filters(struct iovnic_vport *vport)
{
	struct iovnic_filter *f, *tmp;
	unsigned int vid;

	lockdep_assert_held(&vport->hw->lock);
	list_for_each_entry(f, &vport->filters, list)
		f->stale = true;
	if (rcu_access_pointer(vport->netdev)) {
		if (vport->pvlan.vid) {
			iovnic_filter_want_vlan(vport, vport->pvlan.vid);
		} else {
			iovnic_filter_want_vlan(vport, 0);
			vid = 1;
			for_each_set_bit_from(vid, vport->vlans, VLAN_N_VID)
				iovnic_filter_want_vlan(vport, vid);
		}
	}
	list_for_each_entry_safe(f, tmp, &vport->filters, list)
		if (f->stale)
			iovnic_fdb_del(f);
}

void iovnic_vport_flush_filters(struct iovnic_vport *vport)
{
	struct iovnic_filter *f, *tmp;

	lockdep_assert_held(&vport->hw->lock);
	list_for_each_entry_safe(f, tmp, &vport->filters, list)
		iovnic_fdb_del(f);
	kfree(vport->uc);
	kfree(vport->mc);
	vport->uc = NULL;
	vport->mc = NULL;
	vport->uc_count = 0;
	vport->mc_count = 0;
	if (vport->promisc)
		WRITE_ONCE(vport->hw->num_promisc, vport->hw->num_promisc - 1);
	vport->promisc = false;
	vport->allmulti = false;
	bitmap_zero(vport->vlans, VLAN_N_VID);
}

/* Would unicast @addr in the VLANs of @vport collide with another vport? */
static bool iovnic_mac_taken(struct iovnic_vport *vport, const u8 *addr,
			     u16 pvid)
{
	struct iovnic_filter *f;
	unsigned int vid;

	f = iovnic_fdb_find(vport->hw, addr, pvid);
	if (f && f->vport != vport)
		return true;
	if (pvid)
		return false;
	vid = 1;
	for_each_set_bit_from(vid, vport->vlans, VLAN_N_VID) {
		f = iovnic_fdb_find(vport->hw, addr, vid);
		if (f && f->vport != vport)
			return true;
	}
	return false;
}

/* Give the vport's owner a new MAC; EADDRINUSE if another vport has it. */
int iovnic_vport_set_mac(struct iovnic_vport *vport, const u8 *addr)
{
	struct iovnic_hw *hw = vport->hw;
	int err = 0;

	mutex_lock(&hw->lock);
	if (iovnic_mac_taken(vport, addr, vport->pvlan.vid)) {
		err = -EADDRINUSE;
		goto out;
	}
	ether_addr_copy(vport->mac, addr);
	iovnic_vport_sync_filters(vport);
out:
	mutex_unlock(&hw->lock);
	return err;
}

/* The PF set (or, with vid 0, removed) a VF's port VLAN. */
int iovnic_vport_set_pvlan(struct iovnic_vport *vport,
			   const struct iovnic_port_vlan *pv)
{
	struct iovnic_hw *hw = vport->hw;
	int err = 0;

	mutex_lock(&hw->lock);
	if (rcu_access_pointer(vport->netdev) &&
	    iovnic_mac_taken(vport, vport->mac, pv->vid)) {
		err = -EADDRINUSE;
		goto out;
	}
	WRITE_ONCE(vport->pvlan.qos, pv->qos);
	WRITE_ONCE(vport->pvlan.proto, pv->proto);
	WRITE_ONCE(vport->pvlan.vid, pv->vid);
	iovnic_vport_sync_filters(vport);
out:
	mutex_unlock(&hw->lock);
	return err;
}

/* The owner joined or left VLAN @vid (8021q device on top of it). */
void iovnic_vport_set_vlan(struct iovnic_vport *vport, u16 vid, bool on)
{
	struct iovnic_hw *hw = vport->hw;

	if (!vid || vid >= VLAN_N_VID)
		return;
	mutex_lock(&hw->lock);
	if (on)
		set_bit(vid, vport->vlans);
	else
		clear_bit(vid, vport->vlans);
	iovnic_vport_sync_filters(vport);
	mutex_unlock(&hw->lock);
}

static u8 (*iovnic_copy_addrs(struct netdev_hw_addr_list *list,
			      unsigned int *count))[ETH_ALEN]
{
	struct netdev_hw_addr *ha;
	u8 (*addrs)[ETH_ALEN];
	unsigned int n = 0;

	*count = 0;
	if (netdev_hw_addr_list_empty(list))
		return NULL;
	addrs = kmalloc_array(netdev_hw_addr_list_count(list), ETH_ALEN,
			      GFP_ATOMIC);
	if (!addrs)
		return NULL;
	netdev_hw_addr_list_for_each(ha, list)
		ether_addr_copy(addrs[n++], ha->addr);
	*count = n;
	return addrs;
}

/*
 * ndo_set_rx_mode runs under the address list spinlock; the filter table
 * is changed here, in process context, from a snapshot of the lists.
 */
void iovnic_rx_mode_work(struct work_struct *work)
{
	struct iovnic_priv *priv = container_of(work, struct iovnic_priv,
						rx_mode_work);
	struct iovnic_vport *vport = priv->vport;
	struct net_device *dev = priv->netdev;
	unsigned int uc_count, mc_count;
	u8 (*uc)[ETH_ALEN], (*mc)[ETH_ALEN];
	bool promisc, allmulti;

	netif_addr_lock_bh(dev);
	uc = iovnic_copy_addrs(&dev->uc, &uc_count);
	mc = iovnic_copy_addrs(&dev->mc, &mc_count);
	promisc = dev->flags & IFF_PROMISC;
	allmulti = dev->flags & IFF_ALLMULTI;
	netif_addr_unlock_bh(dev);

	mutex_lock(&vport->hw->lock);
	swap(vport->uc, uc);
	swap(vport->mc, mc);
	vport->uc_count = uc_count;
	vport->mc_count = mc_count;
	if (promisc != vport->promisc)
		WRITE_ONCE(vport->hw->num_promisc,
			   vport->hw->num_promisc + (promisc ? 1 : -1));
	WRITE_ONCE(vport->promisc, promisc);
	WRITE_ONCE(vport->allmulti, allmulti);
	iovnic_vport_sync_filters(vport);
	mutex_unlock(&vport->hw->lock);
	kfree(uc);
	kfree(mc);
}
