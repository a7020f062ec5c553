//! A memory budget for decoding: a deserializer that wraps serde_json's and charges what the
//! value being built will hold on the heap, so a small body cannot turn into gigabytes.
//!
//! What is charged is what the decode target asks for, measured by the sizes of the Rust types it
//! builds (the deserializer sees the element type of every sequence and map it fills):
//!
//! - each element of a sequence: twice the element's size (a growing `Vec` holds up to twice its
//!   length; large buffers grow in place);
//! - each entry of a map: three times the key and value sizes, and the first entry eleven times
//!   (a B-tree node holds eleven; a hash table starts with a few buckets);
//! - each non-empty string or byte string handed over: its length plus 16 bytes, at least 32 (the
//!   allocator's own overhead and smallest block);
//! - members of a struct, variants and numbers: nothing (they live inside their parent, which is
//!   charged).
//!
//! Skipped members (`IgnoredAny`, unknown fields) and identifiers (field and variant names) cost
//! nothing. So a typed struct pays for what it keeps, and a `serde_json::Value` of tiny elements
//! (`[{"a":0},…]`, where each 8 bytes become hundreds) pays for its tree.

use std::cell::Cell;
use std::fmt;
use std::mem::size_of;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

/// How much heap a decode may still take.
pub(crate) struct Budget {
    left: Cell<u64>,
    spent_out: Cell<bool>,
}

impl Budget {
    pub(crate) fn new(limit: u64) -> Budget {
        Budget {
            left: Cell::new(limit),
            spent_out: Cell::new(false),
        }
    }

    /// Whether a charge failed (the decode error is then the budget's, not the body's).
    pub(crate) fn spent_out(&self) -> bool {
        self.spent_out.get()
    }

    fn charge<E: de::Error>(&self, bytes: u64) -> Result<(), E> {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.spent_out.set(true);
                Err(E::custom("the decoded value would pass max_decoded_size"))
            }
        }
    }

    fn charge_str<E: de::Error>(&self, len: usize) -> Result<(), E> {
        if len == 0 {
            Ok(())
        } else {
            self.charge((len as u64 + 16).max(32))
        }
    }
}

fn size<T>() -> u64 {
    size_of::<T>() as u64
}

/// What the value a visitor builds does with the members it receives.
#[derive(Clone, Copy, PartialEq)]
enum Holds {
    /// Elements and entries go to the heap (`Vec`, maps, `Value`).
    Heap,
    /// Members live inside the value itself (structs, tuples, struct variants).
    Inline,
}

/// serde_json's deserializer (or any), charging the [`Budget`].
pub(crate) struct Budgeted<'b, D> {
    de: D,
    budget: &'b Budget,
}

impl<'b, D> Budgeted<'b, D> {
    pub(crate) fn new(de: D, budget: &'b Budget) -> Self {
        Budgeted { de, budget }
    }
}

struct Watch<'b, V> {
    visitor: V,
    budget: &'b Budget,
    holds: Holds,
}

struct Seed<'b, S> {
    seed: S,
    budget: &'b Budget,
}

struct Seq<'b, A> {
    access: A,
    budget: &'b Budget,
    holds: Holds,
}

struct Map<'b, A> {
    access: A,
    budget: &'b Budget,
    holds: Holds,
    key: u64,
    first: bool,
}

struct Enum<'b, A> {
    access: A,
    budget: &'b Budget,
}

struct Variant<'b, A> {
    access: A,
    budget: &'b Budget,
}

macro_rules! forward_watched {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            let budget = self.budget;
            self.de.$method(Watch { visitor, budget, holds: Holds::Heap })
        }
    )*};
}

impl<'de, 'b, D: Deserializer<'de>> Deserializer<'de> for Budgeted<'b, D> {
    type Error = D::Error;

    forward_watched!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.de.deserialize_unit_struct(
            name,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.de.deserialize_newtype_struct(
            name,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.de.deserialize_tuple(
            len,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.de.deserialize_tuple_struct(
            name,
            len,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.de.deserialize_struct(
            name,
            fields,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.de.deserialize_enum(
            name,
            variants,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    /// Field and variant names are matched, never kept: not charged.
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_identifier(visitor)
    }

    /// Skipped values build nothing.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, 'b, V: Visitor<'de>> Visitor<'de> for Watch<'b, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.budget.charge_str(v.len())?;
        self.visitor.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.budget.charge_str(v.len())?;
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.budget.charge_str(v.len())?;
        self.visitor.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.budget.charge_str(v.len())?;
        self.visitor.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.budget.charge_str(v.len())?;
        self.visitor.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.budget.charge_str(v.len())?;
        self.visitor.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Budgeted::new(d, self.budget))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor
            .visit_newtype_struct(Budgeted::new(d, self.budget))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(Seq {
            access,
            budget: self.budget,
            holds: self.holds,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Map {
            access,
            budget: self.budget,
            holds: self.holds,
            key: 0,
            first: true,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(Enum {
            access,
            budget: self.budget,
        })
    }
}

impl<'de, 'b, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'b, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Budgeted::new(d, self.budget))
    }
}

impl<'de, 'b, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'b, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        if self.holds == Holds::Heap {
            self.budget.charge(2 * size::<S::Value>())?;
        }
        let budget = self.budget;
        self.access.next_element_seed(Seed { seed, budget })
    }

    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

impl<'de, 'b, A: MapAccess<'de>> MapAccess<'de> for Map<'b, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.key = size::<K::Value>();
        let budget = self.budget;
        self.access.next_key_seed(Seed { seed, budget })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if self.holds == Holds::Heap {
            let entry = self.key + size::<V::Value>();
            let times = if self.first { 11 } else { 3 };
            self.first = false;
            self.budget.charge(times * entry)?;
        }
        let budget = self.budget;
        self.access.next_value_seed(Seed { seed, budget })
    }

    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

impl<'de, 'b, A: EnumAccess<'de>> EnumAccess<'de> for Enum<'b, A> {
    type Error = A::Error;
    type Variant = Variant<'b, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let budget = self.budget;
        let (value, access) = self.access.variant_seed(Seed { seed, budget })?;
        Ok((value, Variant { access, budget }))
    }
}

impl<'de, 'b, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Variant<'b, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.access.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        let budget = self.budget;
        self.access.newtype_variant_seed(Seed { seed, budget })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.access.tuple_variant(
            len,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let budget = self.budget;
        let holds = Holds::Inline;
        self.access.struct_variant(
            fields,
            Watch {
                visitor,
                budget,
                holds,
            },
        )
    }
}
