// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The answer to a login (AccessControl::check()): in a header of its own, so that code that
// only takes the answer does not pull in AccessControl and its hashing thread pool.
enum class AccessVerdict { Allowed, PasswordRequired, RegistrationRequired, Failed, Banned };
