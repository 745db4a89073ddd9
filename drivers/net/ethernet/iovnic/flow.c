// SPDX-License-Identifier: GPL-2.0
/*
 * The eswitch's flow table (switchdev mode), as a NIC keeps offloaded TC
 * flower rules: each distinct mask is a class, and the rules of a class
 * sit in one hash table keyed by their masked key, so a frame costs one
 * hash lookup per mask in use, however many rules share it (a tuple space
 * search; OVS's rules mostly share a handful of masks).  Of all rules that
 * match, the lowest priority number wins, then the oldest.
 *
 * Rules are added and removed under hw->lock and never change once
 * visible; the data path finds them under RCU.  Each rule counts what it
 * took per CPU and stamps its last use.
 */
#include <linux/hash.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rculist.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <linux/skbuff.h>

#include "iovnic.h"

/*
 * A mask in use and how many rules use it.  A lookup reads, hashes and
 * compares only the key words the mask has bits in (a MAC rule: 3 of 14).
 */
struct iovnic_flow_mask {
	struct list_head list;		/* hw->flow_masks */
	struct rcu_head rcu;
	unsigned int users;
	u32 seed;			/* of its rules' hashes */
	bool l3;			/* matches beyond Ethernet and VLAN */
	u8 nwords;
	u8 words[IOVNIC_FLOW_KEY_WORDS];
	struct iovnic_flow_key mask;
};

struct iovnic_flow_stats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync syncp;
};

struct iovnic_flow {
	struct hlist_node node;		/* hw->flows, RCU */
	struct hlist_node cnode;	/* hw->flow_cookies, hw->lock */
	struct rcu_head rcu;
	unsigned long cookie;
	u32 prio;
	u64 seq;			/* install order: older wins a tie */
	struct iovnic_flow_mask *mask;
	struct iovnic_flow_key key;	/* masked */
	unsigned long lastused;		/* jiffies */
	struct iovnic_flow_stats __percpu *stats;
	u64 read_packets, read_bytes;	/* reported so far; hw->lock */
	unsigned int n_acts;
	struct iovnic_flow_act acts[] __counted_by(n_acts);
};

static bool iovnic_flow_key_eq(const struct iovnic_flow_key *a,
			       const struct iovnic_flow_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void iovnic_flow_key_and(struct iovnic_flow_key *out,
				const struct iovnic_flow_key *k,
				const struct iovnic_flow_key *m)
{
	const u32 *kw = (const u32 *)k, *mw = (const u32 *)m;
	u32 *ow = (u32 *)out;
	unsigned int i;

	for (i = 0; i < IOVNIC_FLOW_KEY_WORDS; i++)
		ow[i] = kw[i] & mw[i];
}

/*
 * The hash of @k (masked by @m already) over @m's words: a multiply per
 * word, on the data path of every frame; the hash table mixes the result
 * once more (hash_32() of its top bits), which is enough for keys that
 * differ anywhere (a MAC's last byte, a port).
 */
static u32 iovnic_flow_hash(const struct iovnic_flow_key *k,
			    const struct iovnic_flow_mask *m)
{
	const u32 *kw = (const u32 *)k;
	u32 h = m->seed;
	unsigned int i;

	for (i = 0; i < m->nwords; i++)
		h = (h ^ kw[m->words[i]]) * GOLDEN_RATIO_32;
	return h;
}

/*
 * @k under @m into @mk, on @m's words only (the rest of @mk is left as it
 * is), and its hash: iovnic_flow_hash() of the masked key, in one pass.
 */
static u32 iovnic_flow_mask_hash(struct iovnic_flow_key *mk,
				 const struct iovnic_flow_key *k,
				 const struct iovnic_flow_mask *m)
{
	const u32 *kw = (const u32 *)k, *mw = (const u32 *)&m->mask;
	u32 *ow = (u32 *)mk, h = m->seed, v;
	unsigned int i, w;

	for (i = 0; i < m->nwords; i++) {
		w = m->words[i];
		v = kw[w] & mw[w];
		ow[w] = v;
		h = (h ^ v) * GOLDEN_RATIO_32;
	}
	return h;
}

/* Does rule key @f (masked) equal @mk on @m's words? */
static bool iovnic_flow_mask_eq(const struct iovnic_flow_key *f,
				const struct iovnic_flow_key *mk,
				const struct iovnic_flow_mask *m)
{
	const u32 *fw = (const u32 *)f, *kw = (const u32 *)mk;
	unsigned int i;

	for (i = 0; i < m->nwords; i++)
		if (fw[m->words[i]] != kw[m->words[i]])
			return false;
	return true;
}

void iovnic_flow_init(struct iovnic_hw *hw)
{
	INIT_LIST_HEAD(&hw->flow_masks);
	hash_init(hw->flows);
	hash_init(hw->flow_cookies);
}

static void iovnic_flow_free(struct iovnic_flow *f)
{
	free_percpu(f->stats);
	kfree(f);
}

static void iovnic_flow_free_rcu(struct rcu_head *head)
{
	iovnic_flow_free(container_of(head, struct iovnic_flow, rcu));
}

static void iovnic_flow_mask_put(struct iovnic_hw *hw,
				 struct iovnic_flow_mask *m)
{
	lockdep_assert_held(&hw->lock);
	if (--m->users)
		return;
	if (m->l3)
		WRITE_ONCE(hw->flow_l3_masks, hw->flow_l3_masks - 1);
	list_del_rcu(&m->list);
	kfree_rcu(m, rcu);
}

/* Unlink @f; it is freed after the readers that may see it. */
static void iovnic_flow_unlink(struct iovnic_hw *hw, struct iovnic_flow *f)
{
	lockdep_assert_held(&hw->lock);
	hash_del_rcu(&f->node);
	hash_del(&f->cnode);
	iovnic_flow_mask_put(hw, f->mask);
	hw->num_flows--;
	call_rcu(&f->rcu, iovnic_flow_free_rcu);
}

/* The device goes: no reader is left. */
void iovnic_flow_fini(struct iovnic_hw *hw)
{
	struct hlist_node *tmp;
	struct iovnic_flow *f;
	unsigned int bkt;

	mutex_lock(&hw->lock);
	hash_for_each_safe(hw->flow_cookies, bkt, tmp, f, cnode)
		iovnic_flow_unlink(hw, f);
	mutex_unlock(&hw->lock);
	rcu_barrier();
}

static struct iovnic_flow *iovnic_flow_by_cookie(struct iovnic_hw *hw,
						 unsigned long cookie,
						 u16 in_port)
{
	struct iovnic_flow *f;

	lockdep_assert_held(&hw->lock);
	hash_for_each_possible(hw->flow_cookies, f, cnode, cookie)
		if (f->cookie == cookie && f->key.in_port == in_port)
			return f;
	return NULL;
}

static struct iovnic_flow_mask *
iovnic_flow_mask_get(struct iovnic_hw *hw, const struct iovnic_flow_key *mask)
{
	struct iovnic_flow_mask *m;
	unsigned int i;

	lockdep_assert_held(&hw->lock);
	list_for_each_entry(m, &hw->flow_masks, list) {
		if (iovnic_flow_key_eq(&m->mask, mask)) {
			m->users++;
			return m;
		}
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	m->mask = *mask;
	m->users = 1;
	m->seed = hash_ptr(m, 32);
	for (i = 0; i < IOVNIC_FLOW_KEY_WORDS; i++)
		if (((const u32 *)mask)[i])
			m->words[m->nwords++] = i;
	m->l3 = mask->ip_proto || mask->ip_flags || mask->sport ||
		mask->dport || memchr_inv(mask->src_ip, 0, sizeof(mask->src_ip)) ||
		memchr_inv(mask->dst_ip, 0, sizeof(mask->dst_ip));
	if (m->l3)
		WRITE_ONCE(hw->flow_l3_masks, hw->flow_l3_masks + 1);
	list_add_tail_rcu(&m->list, &hw->flow_masks);
	return m;
}

/*
 * Install @spec: EOPNOTSUPP in legacy mode, EEXIST if its cookie is on the
 * same port already, ENOSPC if the table is full, ENOMEM.  Nothing
 * changes on failure.
 */
int iovnic_flow_add(struct iovnic_hw *hw, const struct iovnic_flow_spec *spec)
{
	struct iovnic_flow_key key = spec->key;
	struct iovnic_flow *f;
	int err;

	f = kzalloc(struct_size(f, acts, spec->n_acts), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->stats = netdev_alloc_pcpu_stats(struct iovnic_flow_stats);
	if (!f->stats) {
		kfree(f);
		return -ENOMEM;
	}
	f->cookie = spec->cookie;
	f->prio = spec->prio;
	f->n_acts = spec->n_acts;
	memcpy(f->acts, spec->acts, spec->n_acts * sizeof(*f->acts));
	f->lastused = jiffies;
	iovnic_flow_key_and(&f->key, &key, &spec->mask);

	mutex_lock(&hw->lock);
	if (!hw->switchdev) {
		err = -EOPNOTSUPP;
		goto err_unlock;
	}
	if (iovnic_flow_by_cookie(hw, spec->cookie, spec->key.in_port)) {
		err = -EEXIST;
		goto err_unlock;
	}
	if (hw->num_flows >= IOVNIC_MAX_FLOWS) {
		err = -ENOSPC;
		goto err_unlock;
	}
	f->mask = iovnic_flow_mask_get(hw, &spec->mask);
	if (!f->mask) {
		err = -ENOMEM;
		goto err_unlock;
	}
	f->seq = hw->flow_seq++;
	hash_add(hw->flow_cookies, &f->cnode, f->cookie);
	hash_add_rcu(hw->flows, &f->node, iovnic_flow_hash(&f->key, f->mask));
	hw->num_flows++;
	mutex_unlock(&hw->lock);
	return 0;

err_unlock:
	mutex_unlock(&hw->lock);
	iovnic_flow_free(f);
	return err;
}

/* Remove the rule @cookie of @in_port: ENOENT if there is none. */
int iovnic_flow_del(struct iovnic_hw *hw, unsigned long cookie, u16 in_port)
{
	struct iovnic_flow *f;
	int err = -ENOENT;

	mutex_lock(&hw->lock);
	f = iovnic_flow_by_cookie(hw, cookie, in_port);
	if (f) {
		iovnic_flow_unlink(hw, f);
		err = 0;
	}
	mutex_unlock(&hw->lock);
	return err;
}

/*
 * What the rule took since the last call (a NIC's clear-on-read flow
 * counters), and when it last matched.  ENOENT if there is no such rule.
 */
int iovnic_flow_stats(struct iovnic_hw *hw, unsigned long cookie, u16 in_port,
		      u64 *packets, u64 *bytes, unsigned long *lastused)
{
	u64 sum[2];
	struct iovnic_flow *f;
	int err = -ENOENT;

	mutex_lock(&hw->lock);
	f = iovnic_flow_by_cookie(hw, cookie, in_port);
	if (f) {
		iovnic_stats_sum(f->stats, 2, sum);
		*packets = sum[0] - f->read_packets;
		*bytes = sum[1] - f->read_bytes;
		f->read_packets = sum[0];
		f->read_bytes = sum[1];
		*lastused = READ_ONCE(f->lastused);
		err = 0;
	}
	mutex_unlock(&hw->lock);
	return err;
}

/* A port goes (its representor is removed): so do the rules naming it. */
void iovnic_flow_flush_port(struct iovnic_hw *hw, u16 port)
{
	struct hlist_node *tmp;
	struct iovnic_flow *f;
	unsigned int bkt, i;
	bool hit;

	mutex_lock(&hw->lock);
	hash_for_each_safe(hw->flow_cookies, bkt, tmp, f, cnode) {
		hit = f->key.in_port == port;
		for (i = 0; i < f->n_acts && !hit; i++)
			hit = (f->acts[i].type == IOVNIC_ACT_MIRROR ||
			       f->acts[i].type == IOVNIC_ACT_REDIRECT) &&
			      f->acts[i].port == port;
		if (hit)
			iovnic_flow_unlink(hw, f);
	}
	mutex_unlock(&hw->lock);
}

unsigned int iovnic_flow_count(struct iovnic_hw *hw)
{
	unsigned int n;

	mutex_lock(&hw->lock);
	n = hw->num_flows;
	mutex_unlock(&hw->lock);
	return n;
}

/* The L3/L4 fields of an IPv4 packet at @off. */
static void iovnic_flow_parse_ipv4(struct sk_buff *skb, unsigned int off,
				   struct iovnic_flow_key *k)
{
	struct iphdr _iph;
	const struct iphdr *iph;
	__be16 _ports[2];
	const __be16 *ports;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5)
		return;
	k->src_ip[0] = iph->saddr;
	k->dst_ip[0] = iph->daddr;
	k->ip_proto = iph->protocol;
	if (iph->frag_off & htons(IP_MF | IP_OFFSET)) {
		k->ip_flags |= IOVNIC_FLOW_FRAG;
		if (iph->frag_off & htons(IP_OFFSET))
			return;		/* no ports in a later fragment */
		k->ip_flags |= IOVNIC_FLOW_FIRSTFRAG;
	}
	if (k->ip_proto != IPPROTO_TCP && k->ip_proto != IPPROTO_UDP &&
	    k->ip_proto != IPPROTO_SCTP)
		return;
	ports = skb_header_pointer(skb, off + iph->ihl * 4, sizeof(_ports),
				   _ports);
	if (ports) {
		k->sport = ports[0];
		k->dport = ports[1];
	}
}

/* IPv6: the fixed header's next header (no extension headers walked). */
static void iovnic_flow_parse_ipv6(struct sk_buff *skb, unsigned int off,
				   struct iovnic_flow_key *k)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	__be16 _ports[2];
	const __be16 *ports;

	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return;
	memcpy(k->src_ip, &ip6h->saddr, sizeof(k->src_ip));
	memcpy(k->dst_ip, &ip6h->daddr, sizeof(k->dst_ip));
	k->ip_proto = ip6h->nexthdr;
	if (k->ip_proto == NEXTHDR_FRAGMENT) {
		k->ip_flags |= IOVNIC_FLOW_FRAG;
		return;
	}
	if (k->ip_proto != IPPROTO_TCP && k->ip_proto != IPPROTO_UDP &&
	    k->ip_proto != IPPROTO_SCTP)
		return;
	ports = skb_header_pointer(skb, off + sizeof(*ip6h), sizeof(_ports),
				   _ports);
	if (ports) {
		k->sport = ports[0];
		k->dport = ports[1];
	}
}

/*
 * The key of a frame (skb->data at its Ethernet header); its IP and port
 * fields only if @l3 (a mask uses them).
 */
static void iovnic_flow_extract(struct sk_buff *skb, u16 in_port, bool l3,
				struct iovnic_flow_key *k)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;
	unsigned int off = ETH_HLEN;
	__be16 proto = eth->h_proto;
	struct vlan_hdr _vh;
	const struct vlan_hdr *vh;
	u16 tci;

	/* the L3/L4 words are read only through a mask that has them */
	if (l3)
		memset(k, 0, sizeof(*k));
	else
		memset(k, 0, offsetof(struct iovnic_flow_key, src_ip));
	ether_addr_copy(k->dst, eth->h_dest);
	ether_addr_copy(k->src, eth->h_source);
	k->in_port = in_port;
	if (skb_vlan_tag_present(skb)) {
		tci = skb_vlan_tag_get(skb);
		k->vlan = (tci & ~VLAN_CFI_MASK) | IOVNIC_FLOW_VLAN;
	} else if (eth_type_vlan(proto)) {
		vh = skb_header_pointer(skb, off, sizeof(_vh), &_vh);
		if (vh) {
			tci = ntohs(vh->h_vlan_TCI);
			k->vlan = (tci & ~VLAN_CFI_MASK) | IOVNIC_FLOW_VLAN;
			proto = vh->h_vlan_encapsulated_proto;
			off += VLAN_HLEN;
		}
	}
	k->eth_type = proto;
	if (!l3)
		return;			/* no mask looks further */
	if (proto == htons(ETH_P_IP))
		iovnic_flow_parse_ipv4(skb, off, k);
	else if (proto == htons(ETH_P_IPV6))
		iovnic_flow_parse_ipv6(skb, off, k);
}

/*
 * The best rule for @k (its L3/L4 fields set if @l3), under RCU.  Inline
 * in the data path: a call and return per frame is measurable under TCG.
 */
static __always_inline struct iovnic_flow *
iovnic_flow_lookup(struct iovnic_hw *hw, const struct iovnic_flow_key *k,
		   bool l3)
{
	struct iovnic_flow *f, *best = NULL;
	struct iovnic_flow_mask *m;
	struct iovnic_flow_key mk;
	u32 h;

	list_for_each_entry_rcu(m, &hw->flow_masks, list) {
		/* a mask added since @k was built is not for this frame */
		if (unlikely(m->l3 && !l3))
			continue;
		h = iovnic_flow_mask_hash(&mk, k, m);
		hash_for_each_possible_rcu(hw->flows, f, node, h) {
			if (f->mask != m || !iovnic_flow_mask_eq(&f->key, &mk, m))
				continue;
			if (!best || f->prio < best->prio ||
			    (f->prio == best->prio && f->seq < best->seq))
				best = f;
		}
	}
	return best;
}

/*
 * The VLAN helpers work on a frame of our own (not shared: the sender may
 * hold a reference, as pktgen does) whose data and mac header are at its
 * Ethernet header and whose protocol is its EtherType (an in-band tag's
 * TPID).  NULL if memory is short (the frame is freed).
 */
static struct sk_buff *iovnic_flow_vlan_prep(struct sk_buff *skb)
{
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return NULL;
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_reset_mac_len(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	return skb;
}

/* vlan modify: a new VID and priority for the outer tag, if any. */
static int iovnic_flow_vlan_mangle(struct sk_buff *skb, u16 new)
{
	__be16 proto = skb->protocol;
	u16 tci;
	int err;

	if (skb_vlan_tag_present(skb)) {
		tci = skb_vlan_tag_get(skb);
		proto = skb->vlan_proto;
	} else if (eth_type_vlan(proto)) {
		err = __skb_vlan_pop(skb, &tci);	/* out of band now */
		if (err)
			return err;
	} else {
		return 0;			/* untagged: nothing to modify */
	}
	__vlan_hwaccel_put_tag(skb, proto, (tci & VLAN_CFI_MASK) | new);
	return 0;
}

static void iovnic_flow_hit(struct iovnic_flow *f, unsigned int len)
{
	struct iovnic_flow_stats *s = this_cpu_ptr(f->stats);
	unsigned long now = jiffies;

	u64_stats_update_begin(&s->syncp);
	s->packets++;
	s->bytes += len;
	u64_stats_update_end(&s->syncp);
	if (READ_ONCE(f->lastused) != now)
		WRITE_ONCE(f->lastused, now);
}

/*
 * Run the actions of @f on @skb: copies go out as they come, the frame
 * ends where a redirect sends it or a drop frees it; without either it
 * goes on to the slow path (the representor, or the uplink).
 */
static void iovnic_flow_exec(struct iovnic_hw *hw, struct iovnic_flow *f,
			     u16 in_port, struct sk_buff *skb)
{
	const struct iovnic_flow_act *a;
	struct sk_buff *copy;
	unsigned int i;
	int err = 0;

	iovnic_flow_hit(f, skb->len);
	for (i = 0; i < f->n_acts; i++) {
		a = &f->acts[i];
		switch (a->type) {
		case IOVNIC_ACT_MIRROR:
			copy = skb_clone(skb, GFP_ATOMIC);
			if (copy)
				iovnic_esw_output(hw, a->port, copy);
			break;
		case IOVNIC_ACT_REDIRECT:
			iovnic_esw_output(hw, a->port, skb);
			return;
		case IOVNIC_ACT_DROP:
			kfree_skb(skb);
			return;
		case IOVNIC_ACT_VLAN_PUSH:
			skb = iovnic_flow_vlan_prep(skb);
			if (unlikely(!skb))
				return;
			err = skb_vlan_push(skb, a->vlan_proto, a->vlan_tci);
			break;
		case IOVNIC_ACT_VLAN_POP:
			skb = iovnic_flow_vlan_prep(skb);
			if (unlikely(!skb))
				return;
			err = skb_vlan_pop(skb);
			break;
		case IOVNIC_ACT_VLAN_MANGLE:
			skb = iovnic_flow_vlan_prep(skb);
			if (unlikely(!skb))
				return;
			err = iovnic_flow_vlan_mangle(skb, a->vlan_tci);
			break;
		}
		if (unlikely(err))
			goto drop;
	}
	iovnic_esw_slow_path(hw, in_port, skb);
	return;

drop:
	kfree_skb(skb);
}

/*
 * Switchdev mode: run the best rule for a frame entering at @in_port.
 * Returns false if no rule matched (the caller takes the slow path).
 * Under RCU-bh.
 */
bool iovnic_flow_run(struct iovnic_hw *hw, u16 in_port, struct sk_buff *skb)
{
	struct iovnic_flow_key k;
	struct iovnic_flow *f;
	bool l3;

	if (list_empty(&hw->flow_masks))
		return false;
	l3 = READ_ONCE(hw->flow_l3_masks);
	iovnic_flow_extract(skb, in_port, l3, &k);
	f = iovnic_flow_lookup(hw, &k, l3);
	if (!f)
		return false;
	iovnic_flow_exec(hw, f, in_port, skb);
	return true;
}
