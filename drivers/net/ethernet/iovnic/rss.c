// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-side classification of a vport's frames to one of its queues:
 * a VMQ filter on the destination MAC (ethtool -N), else RSS (the Toeplitz
 * hash of the flow through the indirection table, ethtool -X).
 */
#include <linux/ethtool.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ip.h>

#include "iovnic.h"

/* Spread the indirection table evenly over @n queues. */
void iovnic_vport_rss_default(struct iovnic_vport *vport, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < IOVNIC_RSS_INDIR_SIZE; i++)
		WRITE_ONCE(vport->rss_indir[i], ethtool_rxfh_indir_default(i, n));
}

/*
 * Microsoft's RSS hash: every set bit of the input XORs in the 32 bits of
 * the key that start at that bit's position.  Per key, a table holds for
 * each nibble of the input what its 16 values XOR in: two lookups a byte
 * instead of eight shifts and tests.  Rebuilt whenever the key changes;
 * the data path may read a half-built table for a moment and pick another
 * queue, as it may read a half-written key.
 */
static void iovnic_rss_build(struct iovnic_vport *v)
{
	u8 k[IOVNIC_RSS_KEY_SIZE + 8] = {};	/* read 8 bytes at any offset */
	unsigned int j, val, t, p;
	u32 h;

	memcpy(k, v->rss_key, IOVNIC_RSS_KEY_SIZE);
	for (j = 0; j < IOVNIC_RSS_NIBBLES; j++) {
		for (val = 0; val < 16; val++) {
			h = 0;
			for (t = 0; t < 4; t++) {
				if (!(val & (8 >> t)))
					continue;
				/* the 32 key bits from input bit p on */
				p = 4 * j + t;
				h ^= (u32)(get_unaligned_be64(k + p / 8) >>
					   (32 - p % 8));
			}
			WRITE_ONCE(v->rss_lut[j][val], h);
		}
	}
}

/* A new RSS key (ethtool -X hkey, or a fresh one at reset). */
void iovnic_vport_set_rss_key(struct iovnic_vport *v, const u8 *key)
{
	memcpy(v->rss_key, key, IOVNIC_RSS_KEY_SIZE);
	iovnic_rss_build(v);
}

static u32 iovnic_toeplitz(const struct iovnic_vport *v, const u8 *in,
			   unsigned int len)
{
	u32 hash = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		hash ^= READ_ONCE(v->rss_lut[2 * i][in[i] >> 4]) ^
			READ_ONCE(v->rss_lut[2 * i + 1][in[i] & 15]);
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
	return iovnic_toeplitz(v, in, len);
}

/*
 * The receive queue of @v for @skb: a VMQ filter on the destination MAC
 * (and VLAN) picks it, else RSS does.  NULL: a filter drops the frame.
 */
struct iovnic_queue *iovnic_rx_queue(struct iovnic_vport *v,
				     struct sk_buff *skb)
{
	unsigned int n = READ_ONCE(v->num_queues), q = 0, i;
	bool rxhash = READ_ONCE(v->rxhash);
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
	if (n <= 1 && !rxhash)
		goto out;
	hash = iovnic_rss_hash(v, skb, &type);
	if (type == PKT_HASH_TYPE_NONE)
		goto out;
	if (rxhash)
		skb_set_hash(skb, hash, type);
	q = READ_ONCE(v->rss_indir[hash % IOVNIC_RSS_INDIR_SIZE]);
out:
	return &v->queues[q < n ? q : 0];
}
