// SPDX-License-Identifier: GPL-2.0
/*
 * TC flower offload (switchdev mode), chain 0 of the ingress block of a
 * representor (frames its VF sends) or of the uplink, the PF netdev
 * (frames from the wire).  A rule becomes an eswitch flow rule (flow.c);
 * what the eswitch cannot match or do is refused with EOPNOTSUPP and a
 * message, never installed in part.
 */
#include <net/flow_offload.h>
#include <net/pkt_cls.h>

#include "iovnic.h"

static LIST_HEAD(iovnic_block_cb_list);

#define IOVNIC_TC_KEYS (BIT_ULL(FLOW_DISSECTOR_KEY_CONTROL) | \
			BIT_ULL(FLOW_DISSECTOR_KEY_BASIC) | \
			BIT_ULL(FLOW_DISSECTOR_KEY_ETH_ADDRS) | \
			BIT_ULL(FLOW_DISSECTOR_KEY_VLAN) | \
			BIT_ULL(FLOW_DISSECTOR_KEY_IPV4_ADDRS) | \
			BIT_ULL(FLOW_DISSECTOR_KEY_IPV6_ADDRS) | \
			BIT_ULL(FLOW_DISSECTOR_KEY_PORTS))

/* The switch port behind a representor or the uplink. */
static struct iovnic_vport *iovnic_tc_dev_vport(struct net_device *dev)
{
	if (iovnic_is_rep_netdev(dev))
		return ((struct iovnic_rep *)netdev_priv(dev))->vport;
	return ((struct iovnic_priv *)netdev_priv(dev))->vport;
}

/*
 * Where a mirred action sends frames: a representor of @hw (its VF) or
 * @hw's uplink (the wire); -EOPNOTSUPP for any other netdev.
 */
int iovnic_tc_port_of(const struct net_device *dev, struct iovnic_hw *hw)
{
	const struct iovnic_rep *rep;
	const struct iovnic_priv *priv;

	if (!dev)
		return -EOPNOTSUPP;
	if (iovnic_is_rep_netdev(dev)) {
		rep = netdev_priv(dev);
		if (rep->vport->hw == hw)
			return rep->vport->idx;
	} else if (iovnic_is_pf_netdev(dev)) {
		priv = netdev_priv(dev);
		if (priv->hw == hw)
			return IOVNIC_PF_VPORT;
	}
	return -EOPNOTSUPP;
}

static int iovnic_tc_parse_control(struct flow_rule *rule,
				   struct iovnic_flow_spec *spec,
				   struct netlink_ext_ack *extack)
{
	struct flow_match_control m;

	flow_rule_match_control(rule, &m);
	if (m.mask->flags & ~(FLOW_DIS_IS_FRAGMENT | FLOW_DIS_FIRST_FRAG)) {
		NL_SET_ERR_MSG_MOD(extack, "of the IP flags only frag and firstfrag match");
		return -EOPNOTSUPP;
	}
	if (m.mask->flags & FLOW_DIS_IS_FRAGMENT)
		spec->mask.ip_flags |= IOVNIC_FLOW_FRAG;
	if (m.key->flags & FLOW_DIS_IS_FRAGMENT)
		spec->key.ip_flags |= IOVNIC_FLOW_FRAG;
	if (m.mask->flags & FLOW_DIS_FIRST_FRAG)
		spec->mask.ip_flags |= IOVNIC_FLOW_FIRSTFRAG;
	if (m.key->flags & FLOW_DIS_FIRST_FRAG)
		spec->key.ip_flags |= IOVNIC_FLOW_FIRSTFRAG;
	return 0;
}

static void iovnic_tc_parse_l2(struct flow_rule *rule,
			       struct iovnic_flow_spec *spec)
{
	struct flow_match_eth_addrs eth;
	struct flow_match_basic basic;
	struct flow_match_vlan vlan;

	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_BASIC)) {
		flow_rule_match_basic(rule, &basic);
		spec->key.eth_type = basic.key->n_proto;
		spec->mask.eth_type = basic.mask->n_proto;
		spec->key.ip_proto = basic.key->ip_proto;
		spec->mask.ip_proto = basic.mask->ip_proto;
	}
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_ETH_ADDRS)) {
		flow_rule_match_eth_addrs(rule, &eth);
		ether_addr_copy(spec->key.dst, eth.key->dst);
		ether_addr_copy(spec->mask.dst, eth.mask->dst);
		ether_addr_copy(spec->key.src, eth.key->src);
		ether_addr_copy(spec->mask.src, eth.mask->src);
	}
	/* a VLAN match (protocol 802.1Q/802.1ad) wants a tag */
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_VLAN)) {
		flow_rule_match_vlan(rule, &vlan);
		spec->key.vlan = IOVNIC_FLOW_VLAN | vlan.key->vlan_id |
				 vlan.key->vlan_priority << VLAN_PRIO_SHIFT;
		spec->mask.vlan = IOVNIC_FLOW_VLAN | vlan.mask->vlan_id |
				  vlan.mask->vlan_priority << VLAN_PRIO_SHIFT;
	}
}

/*
 * Addresses by the control key's addr_type: flower keeps the IPv4 and
 * IPv6 keys in one union, so both may look used.
 */
static void iovnic_tc_parse_l3(struct flow_rule *rule,
			       struct iovnic_flow_spec *spec)
{
	struct flow_match_ipv4_addrs v4;
	struct flow_match_ipv6_addrs v6;
	struct flow_match_control ctl;
	struct flow_match_ports ports;
	u16 addr_type = 0;

	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_CONTROL)) {
		flow_rule_match_control(rule, &ctl);
		addr_type = ctl.key->addr_type;
	}
	if (addr_type == FLOW_DISSECTOR_KEY_IPV4_ADDRS) {
		flow_rule_match_ipv4_addrs(rule, &v4);
		spec->key.src_ip[0] = v4.key->src;
		spec->mask.src_ip[0] = v4.mask->src;
		spec->key.dst_ip[0] = v4.key->dst;
		spec->mask.dst_ip[0] = v4.mask->dst;
	}
	if (addr_type == FLOW_DISSECTOR_KEY_IPV6_ADDRS) {
		flow_rule_match_ipv6_addrs(rule, &v6);
		memcpy(spec->key.src_ip, &v6.key->src, 16);
		memcpy(spec->mask.src_ip, &v6.mask->src, 16);
		memcpy(spec->key.dst_ip, &v6.key->dst, 16);
		memcpy(spec->mask.dst_ip, &v6.mask->dst, 16);
	}
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_PORTS)) {
		flow_rule_match_ports(rule, &ports);
		spec->key.sport = ports.key->src;
		spec->mask.sport = ports.mask->src;
		spec->key.dport = ports.key->dst;
		spec->mask.dport = ports.mask->dst;
	}
}

static int iovnic_tc_parse_match(struct flow_rule *rule, u16 in_port,
				 struct iovnic_flow_spec *spec,
				 struct netlink_ext_ack *extack)
{
	struct flow_dissector *d = rule->match.dissector;
	int err;

	if ((u64)d->used_keys & ~IOVNIC_TC_KEYS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the eswitch matches Ethernet, VLAN, IPv4/IPv6 and TCP/UDP/SCTP port fields only");
		return -EOPNOTSUPP;
	}
	spec->key.in_port = in_port;
	spec->mask.in_port = 0xffff;
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_CONTROL)) {
		err = iovnic_tc_parse_control(rule, spec, extack);
		if (err)
			return err;
	}
	iovnic_tc_parse_l2(rule, spec);
	iovnic_tc_parse_l3(rule, spec);
	return 0;
}

static int iovnic_tc_parse_actions(struct flow_rule *rule,
				   struct iovnic_hw *hw,
				   struct iovnic_flow_spec *spec,
				   struct netlink_ext_ack *extack)
{
	const struct flow_action_entry *act;
	struct iovnic_flow_act *a;
	int i, port;

	if (!flow_action_basic_hw_stats_check(&rule->action, extack))
		return -EOPNOTSUPP;
	if (rule->action.num_entries > IOVNIC_FLOW_MAX_ACTS) {
		NL_SET_ERR_MSG_MOD(extack, "the eswitch runs at most 8 actions per rule");
		return -EOPNOTSUPP;
	}
	flow_action_for_each(i, act, &rule->action) {
		a = &spec->acts[spec->n_acts++];
		switch (act->id) {
		case FLOW_ACTION_REDIRECT:
		case FLOW_ACTION_MIRRED:
			port = iovnic_tc_port_of(act->dev, hw);
			if (port < 0) {
				NL_SET_ERR_MSG_MOD(extack,
						   "mirred goes to a representor or the uplink of the same eswitch only");
				return -EOPNOTSUPP;
			}
			a->type = act->id == FLOW_ACTION_REDIRECT ?
				  IOVNIC_ACT_REDIRECT : IOVNIC_ACT_MIRROR;
			a->port = port;
			break;
		case FLOW_ACTION_DROP:
			a->type = IOVNIC_ACT_DROP;
			break;
		case FLOW_ACTION_VLAN_PUSH:
		case FLOW_ACTION_VLAN_MANGLE:
			if (act->vlan.proto != htons(ETH_P_8021Q) &&
			    act->vlan.proto != htons(ETH_P_8021AD)) {
				NL_SET_ERR_MSG_MOD(extack, "VLAN protocols are 802.1Q and 802.1ad");
				return -EOPNOTSUPP;
			}
			a->type = act->id == FLOW_ACTION_VLAN_PUSH ?
				  IOVNIC_ACT_VLAN_PUSH : IOVNIC_ACT_VLAN_MANGLE;
			a->vlan_proto = act->vlan.proto;
			a->vlan_tci = act->vlan.vid |
				      act->vlan.prio << VLAN_PRIO_SHIFT;
			break;
		case FLOW_ACTION_VLAN_POP:
			a->type = IOVNIC_ACT_VLAN_POP;
			break;
		default:
			NL_SET_ERR_MSG_MOD(extack,
					   "the eswitch offloads mirred (redirect, mirror), drop and vlan push/pop/modify only");
			return -EOPNOTSUPP;
		}
		/* the frame is gone after these: nothing may follow */
		if ((a->type == IOVNIC_ACT_REDIRECT ||
		     a->type == IOVNIC_ACT_DROP) &&
		    i != rule->action.num_entries - 1) {
			NL_SET_ERR_MSG_MOD(extack, "redirect and drop must be the last action");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static int iovnic_tc_replace(struct net_device *dev, struct iovnic_vport *vport,
			     struct flow_cls_offload *f)
{
	struct netlink_ext_ack *extack = f->common.extack;
	struct flow_rule *rule = flow_cls_offload_flow_rule(f);
	struct iovnic_flow_spec *spec;
	int err;

	if (!(dev->features & NETIF_F_HW_TC)) {
		NL_SET_ERR_MSG_MOD(extack, "hw-tc-offload is off");
		return -EOPNOTSUPP;
	}
	if (f->common.chain_index) {
		NL_SET_ERR_MSG_MOD(extack, "the eswitch offloads chain 0 only");
		return -EOPNOTSUPP;
	}
	spec = kzalloc(sizeof(*spec), GFP_KERNEL);
	if (!spec)
		return -ENOMEM;
	spec->cookie = f->cookie;
	spec->prio = f->common.prio;
	err = iovnic_tc_parse_match(rule, vport->idx, spec, extack);
	if (!err)
		err = iovnic_tc_parse_actions(rule, vport->hw, spec, extack);
	if (!err) {
		err = iovnic_flow_add(vport->hw, spec);
		if (err == -EOPNOTSUPP)
			NL_SET_ERR_MSG_MOD(extack,
					   "the eswitch is in legacy mode (devlink dev eswitch set ... mode switchdev)");
		else if (err == -ENOSPC)
			NL_SET_ERR_MSG_MOD(extack, "the eswitch's flow table is full");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG_MOD(extack, "the rule is offloaded already");
	}
	kfree(spec);
	return err;
}

static int iovnic_tc_stats(struct iovnic_vport *vport,
			   struct flow_cls_offload *f)
{
	unsigned long lastused;
	u64 packets, bytes;

	/* a rule flushed with a representor it sent to counts no more */
	if (iovnic_flow_stats(vport->hw, f->cookie, vport->idx, &packets,
			      &bytes, &lastused))
		return 0;
	flow_stats_update(&f->stats, bytes, packets, 0, lastused,
			  FLOW_ACTION_HW_STATS_IMMEDIATE);
	return 0;
}

static int iovnic_tc_block_cb(enum tc_setup_type type, void *type_data,
			      void *cb_priv)
{
	struct net_device *dev = cb_priv;
	struct iovnic_vport *vport = iovnic_tc_dev_vport(dev);
	struct flow_cls_offload *f = type_data;

	if (type != TC_SETUP_CLSFLOWER)
		return -EOPNOTSUPP;
	switch (f->command) {
	case FLOW_CLS_REPLACE:
		return iovnic_tc_replace(dev, vport, f);
	case FLOW_CLS_DESTROY:
		iovnic_flow_del(vport->hw, f->cookie, vport->idx);
		return 0;
	case FLOW_CLS_STATS:
		return iovnic_tc_stats(vport, f);
	default:
		return -EOPNOTSUPP;
	}
}

/* ndo_setup_tc of representors and the PF: ingress flower blocks. */
int iovnic_tc_setup(struct net_device *dev, enum tc_setup_type type,
		    void *type_data)
{
	if (type != TC_SETUP_BLOCK)
		return -EOPNOTSUPP;
	return flow_block_cb_setup_simple(type_data, &iovnic_block_cb_list,
					  iovnic_tc_block_cb, dev, dev, true);
}
