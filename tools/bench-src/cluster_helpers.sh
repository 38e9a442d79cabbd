# Sourced by the benchmarks that drive a 3-replica tools/cluster on base port $base: the database,
# a replica's URL, an HTTP status code, and which replica leads.
sql() { psql -h 127.0.0.1 -p $((base + 30)) -U postgres -d scale -qtAX -v ON_ERROR_STOP=1 "$@"; }
url() { echo "http://127.0.0.1:$((base + 40 + $1))"; }
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" || true; }
leader_index() {  # prints 1..3, or 0 while nobody leads
  local i
  for i in 1 2 3; do [ "$(code "$(url "$i")/leaderhealth")" = 200 ] && { echo "$i"; return; }; done
  echo 0
}
