package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// listRequest is the body of POST /<kind>s/list.
type listRequest struct {
	Kind   string `json:"kind"`
	Length int    `json:"length"`
	Offset int    `json:"offset"`
	Filter string `json:"filter,omitempty"`
}

// listPage is one page of a list answer.
type listPage struct {
	Metadata *struct {
		TotalMatches *int `json:"total_matches"`
	} `json:"metadata"`
	Entities []json.RawMessage `json:"entities"`
}

func (p *listPage) looksLikeV3() bool { return p.Metadata != nil || p.Entities != nil }

// listAll pages through POST path with length/offset until total_matches
// entities were seen, calling each for every entity. The filter is FIQL; ""
// lists everything.
func (c *Client) listAll(ctx context.Context, op, kind, path, filter string, each func(json.RawMessage) error) error {
	return c.listAllIf(ctx, op, kind, path, filter, nil, each)
}

// errListTooLong is returned by listAllIf when worth said the list is not worth its pages.
var errListTooLong = errors.New("the list is longer than it is worth")

// listAllIf is listAll that, after the first page, asks worth (when not nil) whether the whole
// list, of that many pages, is worth reading; if not it stops with errListTooLong.
func (c *Client) listAllIf(ctx context.Context, op, kind, path, filter string, worth func(pages int) bool, each func(json.RawMessage) error) error {
	offset := 0
	for {
		var page listPage
		req := listRequest{Kind: kind, Length: c.pageSize, Offset: offset, Filter: filter}
		if _, err := c.send(ctx, call{op: op, method: http.MethodPost, path: path, in: req, out: &page, idempotent: true}); err != nil {
			return err
		}
		for _, e := range page.Entities {
			if err := each(e); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
		if offset == 0 && worth != nil && page.Metadata != nil && page.Metadata.TotalMatches != nil {
			if total := *page.Metadata.TotalMatches; total > len(page.Entities) && !worth((total+c.pageSize-1)/c.pageSize) {
				return errListTooLong
			}
		}
		offset += len(page.Entities)
		if len(page.Entities) == 0 {
			return nil
		}
		if page.Metadata != nil && page.Metadata.TotalMatches != nil {
			if offset >= *page.Metadata.TotalMatches {
				return nil
			}
		} else if len(page.Entities) < c.pageSize {
			return nil
		}
	}
}

// listTyped lists every entity of path and decodes each into T, then
// converts it with conv.
func listTyped[T any, R any](ctx context.Context, c *Client, op, kind, path, filter string, conv func(*T) R) ([]R, error) {
	var out []R
	err := c.listAll(ctx, op, kind, path, filter, func(raw json.RawMessage) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return &DecodeError{What: "a " + kind, Err: err}
		}
		out = append(out, conv(&v))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
