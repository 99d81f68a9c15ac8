# tests/bench/clusters.awk - a plan file of many clusters, one plan each, for make bench.
#
#   awk -v clusters=N [-v nodes=K] -f clusters.awk > FILE
#
# Without nodes, cluster i has 2 to 8 nodes, windows-2003 or windows-2008,
# with or without the Exchange 2007 mailbox role: i % 7, i / 7 % 2 and
# i / 14 % 2 pick them, so every 28 consecutive clusters hold each of the
# 28 combinations once.  With nodes=K every cluster has K nodes (make bench
# writes one cluster of 20,000).
#
# The plans are what an operator would write: two-node clusters keep
# quorum with a witness, larger ones by node majority; at most two nodes
# down at once, one on clusters of four nodes or fewer; a cluster with the
# role moves the mailbox server before pausing a node.  Each OS patches
# with a baseline of its own.

function node_count(i) {
	return nodes ? nodes : 2 + i % 7
}

function baselines(    os, id) {
	print "use \"windows/os\""
	print "use \"bigfix/sites\""
	print "use \"bigfix/server-automation\""
	print "use \"bigfix/patches-for-windows\""
	print "use \"exchange/exchange2007\""
	for (os = 2003; os <= 2008; os += 5) {
		printf "baseline cycle-%d \"Monthly updates, Windows Server %d\" {\n", os, os
		id = os == 2003 ? 900100 : 900200  # made up, as in examples/
		printf "    fixlet %d site patches-for-windows\n", id + 1
		printf "    fixlet %d site patches-for-windows\n", id + 2
		print "    restart"
		print "}"
	}
}

function cluster(i, n, os, role,    k) {
	printf "cluster c%d {\n    os windows-%d\n    nodes ", i, os
	for (k = 1; k <= n; k++)
		printf "%sC%dN%d", (k > 1 ? ", " : ""), i, k
	printf "\n    quorum %s\n", (n == 2 ? "node-and-witness" : "node-majority")
	if (role)
		printf "    role exchange2007-mailbox \"MB%d\"\n", i
	print "}"
}

function plan(i, n, os, role) {
	printf "plan p%d {\n    cluster c%d\n    max-down %d\n", i, i, (n > 4 ? 2 : 1)
	if (role)
		print "    require control-scripts, cluster-manager-service, dotnet-4.0"
	else
		print "    require control-scripts"
	print "    each node {"
	if (role)
		print "        move-mailbox"
	print "        pause"
	print "        move-groups"
	printf "        patch cycle-%d\n", os
	print "        resume"
	print "    }"
	print "}"
}

BEGIN {
	if (clusters < 1) {
		print "clusters.awk: set clusters to 1 or more" > "/dev/stderr"
		exit 2
	}
	baselines()
	for (i = 0; i < clusters; i++) {
		n = node_count(i)
		os = int(i / 7) % 2 ? 2003 : 2008
		role = int(i / 14) % 2 == 0
		cluster(i, n, os, role)
		plan(i, n, os, role)
	}
}
