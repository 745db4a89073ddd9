// SPDX-License-Identifier: GPL-2.0
/*
 * The switch's receive filters: exact (MAC, VLAN) keys in a hash table,
 * read under RCU on the data path and changed under hw->lock.
 *
 * A vport's filters are derived from what its owner asked for: its own
 * MAC, its secondary unicast and multicast addresses
 * (iovnic_vport_set_rx_mode) and the VLANs it joined, or only
 * its port VLAN when the PF set one.  iovnic_vport_sync_filters() makes the
 * table match that wish, touching only the entries that change.
 *
 * A VF gets what its quota allows (trusted or not, IOVNIC_VF_MAX_*): its
 * own MAC first, in its VLANs, then secondary unicast, then multicast
 * addresses; the rest is refused, counted and logged.  One entry per
 * vport (its own MAC) is reserved in the table, so no VF can crowd
 * another out of it.
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
				   iovnic_fdb_key(addr, vlan),
				   lockdep_is_held(&hw->lock)) {
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
				   iovnic_fdb_key(addr, vlan),
				   lockdep_is_held(&hw->lock)) {
		if (f->vport == vport && f->vlan == vlan &&
		    ether_addr_equal(f->addr, addr))
			return f;
	}
	return NULL;
}

/*
 * Set the bit of every vport subscribed to multicast @addr in @vlan in
 * @subs: one walk of the key's chain, however many vports there are.
 * Under RCU.
 */
void iovnic_fdb_subscribers(struct iovnic_hw *hw, const u8 *addr, u16 vlan,
			    unsigned long *subs)
{
	struct iovnic_filter *f;

	hash_for_each_possible_rcu(hw->fdb, f, node,
				   iovnic_fdb_key(addr, vlan),
				   lockdep_is_held(&hw->lock)) {
		if (f->vlan == vlan && ether_addr_equal(f->addr, addr))
			__set_bit(f->vport->idx, subs);
	}
}

/* A vport's own MAC may use the entries reserved for it; nothing else may. */
static int iovnic_fdb_add(struct iovnic_vport *vport, const u8 *addr,
			  u16 vlan, bool reserved)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_filter *f;
	unsigned int room = IOVNIC_MAX_FILTERS;

	if (!reserved)
		room -= 1 + hw->total_vfs;
	if (hw->num_filters >= room)
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
	vport->num_filters++;
	return 0;
}

static void iovnic_fdb_del(struct iovnic_filter *f)
{
	struct iovnic_vport *vport = f->vport;

	hash_del_rcu(&f->node);
	list_del(&f->list);
	vport->hw->num_filters--;
	vport->num_filters--;
	kfree_rcu(f, rcu);
}

static bool iovnic_vport_trusted(const struct iovnic_vport *v)
{
	return v->idx == IOVNIC_PF_VPORT || v->vf.trust;
}

/* What the owner of @v may have in the table. */
struct iovnic_quota {
	unsigned int uc, mc, vlans, filters;
};

static void iovnic_vport_quota(const struct iovnic_vport *v,
			       struct iovnic_quota *q)
{
	if (v->idx == IOVNIC_PF_VPORT) {
		*q = (struct iovnic_quota){ UINT_MAX, UINT_MAX, UINT_MAX,
					    UINT_MAX };
	} else if (v->vf.trust) {
		*q = (struct iovnic_quota){ UINT_MAX, UINT_MAX, UINT_MAX,
					    IOVNIC_VF_TRUSTED_MAX_FILTERS };
	} else {
		*q = (struct iovnic_quota){ IOVNIC_VF_MAX_UC, IOVNIC_VF_MAX_MC,
					    IOVNIC_VF_MAX_VLANS,
					    IOVNIC_VF_MAX_FILTERS };
	}
}

/* A resync in progress: entries kept so far, and those refused. */
struct iovnic_sync {
	struct iovnic_vport *vport;
	struct iovnic_quota quota;
	unsigned int kept, refused;
};

/* Keep (or create) the filter (@addr, @vlan) of the vport in a resync. */
static void iovnic_filter_want(struct iovnic_sync *sy, const u8 *addr,
			       u16 vlan, bool reserved)
{
	struct iovnic_vport *vport = sy->vport;
	struct iovnic_filter *f;

	if (!reserved && sy->kept >= sy->quota.filters) {
		sy->refused++;
		return;
	}
	f = iovnic_fdb_find_vport(vport->hw, addr, vlan, vport);
	if (f) {
		f->stale = false;
		sy->kept++;
		return;
	}
	/* a MAC another vport owns is skipped; a full table refuses */
	if (iovnic_fdb_add(vport, addr, vlan, reserved) == -ENOSPC)
		sy->refused++;
	else
		sy->kept++;
}

/* @n addresses of a list, of which the quota allows @max. */
static void iovnic_filter_want_list(struct iovnic_sync *sy,
				    const u8 (*addrs)[ETH_ALEN],
				    unsigned int n, unsigned int max,
				    const u16 *vids, unsigned int nvids)
{
	unsigned int i, v;

	for (i = 0; i < n; i++) {
		if (i >= max || sy->kept >= sy->quota.filters) {
			sy->refused += (n - i) * nvids;	/* the rest */
			return;
		}
		for (v = 0; v < nvids; v++)
			iovnic_filter_want(sy, addrs[i], vids[v], false);
	}
}

/* Granted promiscuity follows the request and the trust. */
static void iovnic_vport_update_grants(struct iovnic_vport *v)
{
	struct iovnic_hw *hw = v->hw;
	bool trusted = iovnic_vport_trusted(v);
	bool promisc = v->promisc && trusted;

	if (promisc != v->promisc_granted) {
		WRITE_ONCE(hw->num_promisc,
			   hw->num_promisc + (promisc ? 1 : -1));
		WRITE_ONCE(v->promisc_granted, promisc);
	}
	WRITE_ONCE(v->allmulti_granted, v->allmulti && trusted);
}

/* Make the table hold what @vport's owner asked for, within its quota. */
void iovnic_vport_sync_filters(struct iovnic_vport *vport)
{
	struct iovnic_sync sy = { .vport = vport };
	struct iovnic_filter *f, *tmp;
	unsigned int vid, nvids = 0, i, over = 0;
	u16 *vids = NULL;

	lockdep_assert_held(&vport->hw->lock);
	iovnic_vport_update_grants(vport);
	iovnic_vport_quota(vport, &sy.quota);
	list_for_each_entry(f, &vport->filters, list)
		f->stale = true;
	if (!vport->owner)
		goto out;

	/* the VLANs its filters are in: its port VLAN, or 0 and those joined */
	vids = kmalloc_array(1 + min_t(unsigned int, sy.quota.vlans,
				       VLAN_N_VID - 1), sizeof(*vids),
			     GFP_KERNEL);
	if (!vids) {
		list_for_each_entry(f, &vport->filters, list)
			f->stale = false;	/* keep what is there */
		return;
	}
	if (vport->pvlan.vid) {
		vids[nvids++] = vport->pvlan.vid;
	} else {
		vids[nvids++] = 0;
		vid = 1;
		for_each_set_bit_from(vid, vport->vlans, VLAN_N_VID) {
			if (nvids > sy.quota.vlans)
				over++;		/* a VLAN over quota */
			else
				vids[nvids++] = vid;
		}
	}
	/* every address it wants in a VLAN over quota is refused */
	sy.refused += over * (1 + vport->uc_count + vport->mc_count);
	for (i = 0; i < nvids; i++)
		iovnic_filter_want(&sy, vport->mac, vids[i], i == 0);
	iovnic_filter_want_list(&sy, (const u8 (*)[ETH_ALEN])vport->uc,
				vport->uc_count, sy.quota.uc, vids, nvids);
	iovnic_filter_want_list(&sy, (const u8 (*)[ETH_ALEN])vport->mc,
				vport->mc_count, sy.quota.mc, vids, nvids);
	kfree(vids);
out:
	list_for_each_entry_safe(f, tmp, &vport->filters, list)
		if (f->stale)
			iovnic_fdb_del(f);
	if (sy.refused > vport->filters_refused)
		pr_warn_ratelimited("iovnic%u: %s %u: %u filters over quota refused (%u in use)\n",
				    vport->hw->index,
				    vport->idx == IOVNIC_PF_VPORT ? "PF" : "VF",
				    vport->idx == IOVNIC_PF_VPORT ? 0 :
				    vport->idx - 1, sy.refused,
				    vport->num_filters);
	WRITE_ONCE(vport->filters_refused, sy.refused);
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
	vport->promisc = false;
	vport->allmulti = false;
	iovnic_vport_update_grants(vport);
	bitmap_zero(vport->vlans, VLAN_N_VID);
	WRITE_ONCE(vport->filters_refused, 0);
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
	if (vport->owner &&
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

/*
 * The owner joined or left VLAN @vid (8021q device on top of it).  An
 * untrusted VF at its VLAN quota is refused with ENOSPC.
 */
int iovnic_vport_set_vlan(struct iovnic_vport *vport, u16 vid, bool on)
{
	struct iovnic_hw *hw = vport->hw;
	struct iovnic_quota quota;
	int err = 0;

	if (!vid || vid >= VLAN_N_VID)
		return 0;
	mutex_lock(&hw->lock);
	iovnic_vport_quota(vport, &quota);
	if (on && !test_bit(vid, vport->vlans) &&
	    bitmap_weight(vport->vlans, VLAN_N_VID) >= quota.vlans) {
		pr_warn_ratelimited("iovnic%u: VF %u: VLAN %u over its quota of %u VLANs\n",
				    hw->index, vport->idx - 1, vid,
				    quota.vlans);
		err = -ENOSPC;
		goto out;
	}
	if (on)
		set_bit(vid, vport->vlans);
	else
		clear_bit(vid, vport->vlans);
	iovnic_vport_sync_filters(vport);
out:
	mutex_unlock(&hw->lock);
	return err;
}

/* The PF trusts a VF or stops trusting it: grants and quotas follow. */
void iovnic_vport_set_trust(struct iovnic_vport *vport, bool on)
{
	mutex_lock(&vport->hw->lock);
	WRITE_ONCE(vport->vf.trust, on);
	iovnic_vport_sync_filters(vport);
	mutex_unlock(&vport->hw->lock);
}

/*
 * The owner's receive mode: its secondary unicast and multicast addresses
 * (the vport takes the arrays, and frees them with the next ones),
 * promiscuous and all-multicast requests.  Process context.
 */
void iovnic_vport_set_rx_mode(struct iovnic_vport *vport,
			      iovnic_addr_t *uc, unsigned int uc_count,
			      iovnic_addr_t *mc, unsigned int mc_count,
			      bool promisc, bool allmulti)
{
	mutex_lock(&vport->hw->lock);
	swap(vport->uc, uc);
	swap(vport->mc, mc);
	vport->uc_count = uc_count;
	vport->mc_count = mc_count;
	vport->promisc = promisc;
	vport->allmulti = allmulti;
	iovnic_vport_sync_filters(vport);
	mutex_unlock(&vport->hw->lock);
	kfree(uc);
	kfree(mc);
}
