//! Closed lists of codes, stored and sent as text: statuses, steps, kinds.
//!
//! [`codes!`] makes an enum whose variants carry the text the database and the API have
//! always held, so a state is compared as a value the compiler checks (a typo is a
//! compile error, a forgotten state a warning) while nothing stored changes.

/// A code that is not one of the list's (from a row written by hand, an older program).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    pub list: &'static str,
    pub code: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a {}", self.code, self.list)
    }
}

impl std::error::Error for UnknownCode {}

/// A step that the state does not allow now: which step, from which state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNow {
    pub step: &'static str,
    pub from: &'static str,
}

impl std::fmt::Display for NotNow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not possible from {}", self.step, self.from)
    }
}

impl std::error::Error for NotNow {}

/// Defines an enum of codes:
///
/// ```
/// skrb_domain::codes! {
///     /// Where a thing stands.
///     pub enum Status { Open = "open", Closed = "closed" }
/// }
/// assert_eq!(Status::Open.code(), "open");
/// assert_eq!(Status::from_code("closed"), Some(Status::Closed));
/// assert_eq!(Status::codes(), ["open", "closed"]);
/// ```
#[macro_export]
macro_rules! codes {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every code of the list, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code as stored and sent.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Every code as text (for a select, a query's `IN`, the API's enum).
            pub fn codes() -> Vec<&'static str> {
                $name::ALL.iter().map(|v| v.code()).collect()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.code()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::codes::UnknownCode;

            fn try_from(code: String) -> Result<$name, Self::Error> {
                $name::from_code(&code).ok_or($crate::codes::UnknownCode {
                    list: stringify!($name),
                    code,
                })
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;

            fn from_str(code: &str) -> Result<$name, Self::Err> {
                $name::try_from(code.to_string())
            }
        }
    };
}
