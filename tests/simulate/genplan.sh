#!/bin/sh
# tests/simulate/genplan.sh - writes a file-server cluster plan of any size.
#
# usage: sh tests/simulate/genplan.sh NODES MAX-DOWN [QUORUM [WINDOW [ROLE]]]
#
# QUORUM is node-majority (default), node-and-witness or disk-only; WINDOW
# a duration ("8h"), or "-" for none (default); ROLE "exchange" gives the
# cluster the Exchange 2007 mailbox role, and each node the step that
# moves it.  The agreement test and `make bench` read these plans.
set -eu
nodes=$1 max_down=$2 quorum=${3:-node-majority} window=${4:--} role=${5:-}
list=""
i=1
while [ "$i" -le "$nodes" ]; do
	list="$list${list:+, }FSNODE$(printf %02d "$i")"
	i=$((i + 1))
done
echo 'use "windows/os"'
echo 'use "bigfix/sites"'
echo 'use "bigfix/server-automation"'
echo 'use "bigfix/patches-for-windows"'
[ "$role" = exchange ] && echo 'use "exchange/exchange2007"'
echo
echo "cluster gen$nodes {"
echo "    os windows-2008"
echo "    nodes $list"
echo "    quorum $quorum"
[ "$role" = exchange ] && echo '    role exchange2007-mailbox "EXCMS01"'
echo "}"
echo
echo 'baseline gen-nov-2026 "2026-11 Windows Server 2008 updates" {'
echo "    fixlet 900201 site patches-for-windows"
echo "    fixlet 900202 site patches-for-windows"
echo "    restart"
echo "}"
echo
echo "plan patch-gen$nodes {"
echo "    cluster gen$nodes"
echo "    max-down $max_down"
[ "$window" != - ] && echo "    window $window"
echo "    timeout patch 1h"
echo "    require control-scripts"
if [ "$role" = exchange ]; then
	echo "    require cluster-manager-service"
	echo "    require dotnet-4.0"
fi
echo "    each node {"
[ "$role" = exchange ] && echo "        move-mailbox"
echo "        pause"
echo "        move-groups"
echo "        patch gen-nov-2026"
echo "        resume"
echo "    }"
echo "}"
