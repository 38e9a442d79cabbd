# Sourced by the shell tests that run tools/cluster: free_base_port prints a SCALE_BASE_PORT whose
# block of 100 ports nothing listens on, below the ephemeral range (32768+).
free_base_port() {
  local attempt base busy
  for attempt in $(seq 1 50); do
    base=$((20000 + (RANDOM % 120) * 100))
    busy=$(ss -Htln "sport >= :$base and sport < :$((base + 100))" | wc -l)
    [ "$busy" -eq 0 ] && break
  done
  echo "$base"
}
