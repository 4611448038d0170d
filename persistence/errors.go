package persistence

import "github.com/aezen/engine/domain"

func badCursor() error { return domain.InvalidField("cursor", "is not a cursor returned by this API") }
