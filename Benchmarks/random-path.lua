-- wrk: each request asks for a path picked at random from the file named by DOCKET_PATHS
-- (one per line), so that a run measures many pages, not one page's cached answer.
local paths = {}
for line in io.lines(os.getenv("DOCKET_PATHS")) do
    paths[#paths + 1] = line
end
math.randomseed(os.time())
request = function()
    return wrk.format("GET", paths[math.random(#paths)])
end
