//! The `google.protobuf` well-known types Phalanx uses (`proto/google/protobuf/*.proto`).

/// Package `google.protobuf`.
pub mod protobuf {
    /// A message of any type tagged by its type URL; how transactions carry messages and public keys.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
    pub struct Any {
        /// `/` followed by the fully qualified message name, e.g. `/phalanx.bank.v1.MsgSend`.
        #[prost(string, tag = "1")]
        pub type_url: String,
        /// The message's protobuf encoding.
        #[prost(bytes = "vec", tag = "2")]
        pub value: Vec<u8>,
    }
    meta!(Any, "google.protobuf", "Any", [1, 2]);

    /// A span of time as seconds plus nanoseconds; Phalanx accepts only non-negative values.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
    pub struct Duration {
        /// Whole seconds.
        #[prost(int64, tag = "1")]
        pub seconds: i64,
        /// Fraction of a second in nanoseconds, `0 <= nanos < 1_000_000_000`.
        #[prost(int32, tag = "2")]
        pub nanos: i32,
    }
    meta!(Duration, "google.protobuf", "Duration", [1, 2]);

    /// A point in time as seconds plus nanoseconds since the Unix epoch; Phalanx accepts only times at or
    /// after the epoch.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
    pub struct Timestamp {
        /// Whole seconds since 1970-01-01T00:00:00Z.
        #[prost(int64, tag = "1")]
        pub seconds: i64,
        /// Fraction of a second in nanoseconds, `0 <= nanos < 1_000_000_000`.
        #[prost(int32, tag = "2")]
        pub nanos: i32,
    }
    meta!(Timestamp, "google.protobuf", "Timestamp", [1, 2]);
}
