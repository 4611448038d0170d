package persistence

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// RegisterTypes teaches a connection's type map the engine's Go types. Without it pgx encodes a uuid.UUID
// through its driver.Valuer (formatted to a string, then parsed back) and scans one through sql.Scanner
// (the other way round), several times per stored message; with it a UUID is copied as its 16 bytes.
func RegisterTypes(m *pgtype.Map) {
	m.RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
}

// afterConnect is the pools' AfterConnect hook.
func afterConnect(_ context.Context, conn *pgx.Conn) error {
	RegisterTypes(conn.TypeMap())
	return nil
}

// uuidCodec is pgtype.UUIDCodec that also encodes uuid.UUID and scans into *uuid.UUID directly. Scanning
// NULL into a uuid.UUID gives uuid.Nil, as uuid.UUID's own Scan does.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case uuid.UUID:
		if format == pgtype.BinaryFormatCode {
			return uuidEncodeBinary{}
		}
		return uuidEncodeText{}
	case *uuid.UUID: // pgx does not dereference pointers that implement driver.Valuer itself
		if format == pgtype.BinaryFormatCode {
			return uuidPtrEncode{next: uuidEncodeBinary{}}
		}
		return uuidPtrEncode{next: uuidEncodeText{}}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok {
		if format == pgtype.BinaryFormatCode {
			return uuidScanBinary{}
		}
		return uuidScanText{}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type uuidEncodeBinary struct{}

func (uuidEncodeBinary) Encode(value any, buf []byte) ([]byte, error) {
	u := value.(uuid.UUID)
	return append(buf, u[:]...), nil
}

type uuidEncodeText struct{}

func (uuidEncodeText) Encode(value any, buf []byte) ([]byte, error) {
	return append(buf, value.(uuid.UUID).String()...), nil
}

// uuidPtrEncode encodes a nil *uuid.UUID as NULL.
type uuidPtrEncode struct{ next pgtype.EncodePlan }

func (p uuidPtrEncode) Encode(value any, buf []byte) ([]byte, error) {
	u := value.(*uuid.UUID)
	if u == nil {
		return nil, nil
	}
	return p.next.Encode(*u, buf)
}

type uuidScanBinary struct{}

func (uuidScanBinary) Scan(src []byte, dst any) error {
	u := dst.(*uuid.UUID)
	if src == nil {
		*u = uuid.Nil
		return nil
	}
	if len(src) != 16 {
		return fmt.Errorf("invalid length for uuid: %d", len(src))
	}
	copy(u[:], src)
	return nil
}

type uuidScanText struct{}

func (uuidScanText) Scan(src []byte, dst any) error {
	u := dst.(*uuid.UUID)
	if src == nil {
		*u = uuid.Nil
		return nil
	}
	parsed, err := uuid.ParseBytes(src)
	if err != nil {
		return err
	}
	*u = parsed
	return nil
}
