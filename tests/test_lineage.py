"""piflow.audit.lineage: what an edge carries, where an item reaches, and the route a finding names."""

from piflow.audit.lineage import Lineage


def _chain() -> Lineage:
    g = Lineage()
    g.join("sys", "ward", None)            # staff see their system: everything
    g.join("ward", "vendor", ["name"])
    g.join("ward", "vendor", ["care"])     # a second step between the same two: one edge, both items
    g.join("vendor", "sub", ["name"])
    return g


def test_steps_between_two_endpoints_are_one_edge_carrying_what_they_all_carry():
    g = _chain()
    assert g.succ["ward"] == {"vendor": {"name", "care"}}
    assert set(g.nodes) == {"sys", "ward", "vendor", "sub"}


def test_a_step_that_carries_everything_absorbs_the_lists():
    g = _chain()
    g.join("vendor", "sub", None)
    assert g.succ["vendor"]["sub"] is None
    g.join("vendor", "sub", ["tax"])  # a list after "everything" stays everything
    assert g.succ["vendor"]["sub"] is None
    assert g.passes("vendor", "sub", "anything")


def test_an_item_reaches_only_over_the_edges_that_carry_it():
    g = _chain()
    assert g.reached("name", {"sys"}) == {"sys", "ward", "vendor", "sub"}
    assert g.reached("care", {"sys"}) == {"sys", "ward", "vendor"}
    assert g.reached("care", {"vendor"}) == {"vendor"}
    assert not g.passes("vendor", "sub", "care")
    assert not g.passes("sub", "vendor", "name")  # edges have a direction


def test_the_route_is_the_shortest_chain_of_carrying_edges():
    g = _chain()
    g.join("sys", "sub", ["care"])  # a shortcut that carries care only
    assert g.route("name", {"sys"}, {"sub"}) == ["sys", "ward", "vendor", "sub"]
    assert g.route("care", {"sys"}, {"sub"}) == ["sys", "sub"]
    assert g.route("tax", {"sys"}, {"sub"}) is None
    assert g.route("name", set(), {"sub"}) is None


def test_ties_go_to_the_first_source_and_target_in_sorted_order_every_run():
    g = Lineage()
    for source in ("b", "a"):
        for target in ("y", "x"):
            g.join(source, target, None)
    assert g.route("name", {"b", "a"}, {"y", "x"}) == ["a", "x"]
    assert g.route("name", ["b"], ["y", "x"]) == ["b", "x"]


def _g201_case(name: str) -> list:
    from pathlib import Path

    import yaml
    from test_rules import run

    cases = yaml.safe_load((Path(__file__).parent / "rules" / "G201.yaml").read_text(encoding="utf-8"))["cases"]
    return run("G201", next(c for c in cases if c["name"] == name)["flow"])


def test_the_english_message_names_the_route_by_step_ids():
    (finding,) = _g201_case("the route names each hop's first carrying step, over three parties and two figures")
    assert finding.message_en == "receives data items not declared for it: care (route care: ward -> b vendor -> d sub)"


def test_a_maintained_system_on_the_route_is_said_so_in_both_languages():
    (finding,) = _g201_case("a maintaining vendor that also receives an item the system does not hold is told it receives")
    assert finding.message_en.endswith("(route care: sys -> maintains vendor; name: ward -> b vendor)")
    assert "保育システム → 運用保守 委託先" in finding.message


def test_no_route_no_route_text():
    (finding,) = _g201_case("a sender that sends an item holds it, declared or not")
    assert "route" not in finding.message_en and "経路" not in finding.message


def test_staff_seeing_their_own_system_is_a_plain_hop():
    from test_rules import run

    flow = {
        "parties": [
            {"id": "ward", "name": "区", "role": "区", "systems": [{"id": "sys", "name": "台帳システム", "data": ["name", "care"]}]},
            {"id": "vendor", "name": "委託先", "role": "委託先", "data": ["name"]},
        ],
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "id": "a", "from": "ward", "to": "vendor", "text": "提供", "channel": "手渡し", "medium": "紙"}]}],
    }
    (finding,) = run("G201", flow)
    assert finding.message.endswith("経路は 要介護度：台帳システム → 区 → ① 委託先")
    assert finding.message_en.endswith("(route care: sys -> ward -> a vendor)")
