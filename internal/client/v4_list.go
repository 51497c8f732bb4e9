package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// v4 lists: GET on a collection with the OData query options $filter, $orderby, $page (from 0)
// and $limit (1..100, default 50); the answer's metadata.totalAvailableResults counts what the
// filter matches. listV4 walks every page.

// v4MaxLimit is the largest $limit the v4 lists accept (the SDKs' list requests: "between 1
// and 100").
const v4MaxLimit = 100

// v4MaxPages bounds a list walk, against a server that ignores $page and answers full pages
// forever.
const v4MaxPages = 10000

// v4List describes a list request.
type v4List struct {
	op   string
	path string
	// filter is an OData $filter ("" = all), e.g. V4FilterEq("name", "x").
	filter string
	// orderby is an OData $orderby ("" = the server's order).
	orderby string
	// limit is the page size; 0 means v4MaxLimit.
	limit int
	// header holds more header fields to send with each page.
	header http.Header
}

// listV4 lists every page of l, decoding each page's data as a []T.
func listV4[T any](ctx context.Context, c *Client, l v4List) ([]T, error) {
	limit := l.limit
	if limit <= 0 || limit > v4MaxLimit {
		limit = v4MaxLimit
	}
	var all []T
	for page := 0; page < v4MaxPages; page++ {
		q := url.Values{}
		q.Set("$page", strconv.Itoa(page))
		q.Set("$limit", strconv.Itoa(limit))
		if l.filter != "" {
			q.Set("$filter", l.filter)
		}
		if l.orderby != "" {
			q.Set("$orderby", l.orderby)
		}
		var items []T
		ans, err := c.sendV4(ctx, v4Call{op: l.op, method: http.MethodGet, path: l.path, query: q, out: &items, header: l.header})
		if err != nil {
			if page > 0 {
				return nil, fmt.Errorf("%w (page %d, after %d entities)", err, page, len(all))
			}
			return nil, err
		}
		all = append(all, items...)
		total := ans.metadata.TotalAvailableResults
		if len(items) < limit || (total >= 0 && len(all) >= total) {
			return all, nil
		}
	}
	return nil, fmt.Errorf("%s: GET %s still answered full pages after %d pages of %d: the server does not seem to apply $page",
		l.op, l.path, v4MaxPages, limit)
}

// V4FilterEq returns the OData $filter "field eq 'value'", with value quoted as OData wants
// (a quote is doubled).
func V4FilterEq(field, value string) string {
	return field + " eq '" + strings.ReplaceAll(value, "'", "''") + "'"
}
