// The Go side of scripts/go-oracle.mjs: reads cases as JSON on stdin, runs them through the chain's
// own functions (compiled from the chain's source by the script, never copied into epochsim) and
// prints the results as JSON. Written for epochsim; only the called functions are the chain's.
package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"

	"github.com/shopspring/decimal"

	"oracle/calculations"
	"oracle/keeper"
	"oracle/types"
)

type goDecimal struct {
	Value    string `json:"value"`
	Exponent int32  `json:"exponent"`
}

func (d goDecimal) toTypes() *types.Decimal {
	v, ok := new(big.Int).SetString(d.Value, 10)
	if !ok || !v.IsInt64() {
		panic(fmt.Sprintf("bad decimal value %q", d.Value))
	}
	return &types.Decimal{Value: v.Int64(), Exponent: d.Exponent}
}

type pvalueCase struct {
	K  int       `json:"k"`
	N  int       `json:"n"`
	P0 goDecimal `json:"p0"`
}

type missedCase struct {
	Missed int       `json:"missed"`
	Total  int       `json:"total"`
	P0     goDecimal `json:"p0"`
}

type lookupCase struct {
	Missed   int `json:"missed"`
	Total    int `json:"total"`
	Permille int `json:"permille"`
}

type settleCase struct {
	Governance *goDecimal  `json:"governance"`
	Members    [][2]uint64 `json:"members"`
}

type input struct {
	PValue []pvalueCase `json:"pvalue"`
	Missed []missedCase `json:"missed"`
	Lookup []lookupCase `json:"lookup"`
	Settle []settleCase `json:"settle"`
}

type decimalOut struct {
	String   string `json:"string"`
	Exponent int32  `json:"exponent"`
}

type pvalueOut struct {
	Value *decimalOut `json:"value,omitempty"`
	Err   string      `json:"err,omitempty"`
	Panic string      `json:"panic,omitempty"`
}

type passOut struct {
	Passed bool   `json:"passed"`
	Err    string `json:"err,omitempty"`
}

type settleOut struct {
	P0     goDecimal `json:"p0"`
	Skip   bool      `json:"skip"`
	Passed []bool    `json:"passed"`
}

type output struct {
	PValue []pvalueOut `json:"pvalue"`
	Missed []passOut   `json:"missed"`
	Lookup []passOut   `json:"lookup"`
	Settle []settleOut `json:"settle"`
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// pvalue runs one BinomialPValue, reporting a panic (shopspring's int32 exponent overflow) as such.
func pvalue(c pvalueCase) (o pvalueOut) {
	defer func() {
		if r := recover(); r != nil {
			o = pvalueOut{Panic: fmt.Sprint(r)}
		}
	}()
	v, err := calculations.BinomialPValue(c.K, c.N, c.P0.toTypes().ToDecimal(), 16)
	o = pvalueOut{Err: errText(err)}
	if err == nil {
		o.Value = &decimalOut{String: v.String(), Exponent: v.Exponent()}
	}
	return o
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	var out output
	for _, c := range in.PValue {
		out.PValue = append(out.PValue, pvalue(c))
	}
	for _, c := range in.Missed {
		passed, err := calculations.MissedStatTest(c.Missed, c.Total, c.P0.toTypes().ToDecimal())
		out.Missed = append(out.Missed, passOut{Passed: passed, Err: errText(err)})
	}
	for _, c := range in.Lookup {
		passed, err := calculations.MissedStatTestLookupWithP0(c.Missed, c.Total, c.Permille)
		out.Lookup = append(out.Lookup, passOut{Passed: passed, Err: errText(err)})
	}
	for _, c := range in.Settle {
		participants := make([]types.Participant, len(c.Members))
		rewards := map[string]uint64{}
		for i, m := range c.Members {
			address := fmt.Sprintf("p%d", i)
			participants[i] = types.Participant{Address: address, CurrentEpochStats: &types.CurrentEpochStats{InferenceCount: m[0], MissedRequests: m[1]}}
			rewards[address] = 1
		}
		var params *types.ValidationParams
		if c.Governance != nil {
			params = &types.ValidationParams{BinomTestP0: c.Governance.toTypes()}
		}
		p0, skip := keeper.GetDynamicP0(participants, params)
		if !skip {
			keeper.CheckAndPunishForDowntimeForParticipants(participants, rewards, p0, keeper.NopLogger{})
		}
		o := settleOut{P0: goDecimal{Value: fmt.Sprint(p0.Value), Exponent: p0.Exponent}, Skip: skip}
		for i := range c.Members {
			o.Passed = append(o.Passed, rewards[fmt.Sprintf("p%d", i)] == 1)
		}
		out.Settle = append(out.Settle, o)
	}
	_ = decimal.Zero
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
