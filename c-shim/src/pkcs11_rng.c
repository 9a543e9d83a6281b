// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * pkcs11_rng.c - PKCS#11 module whose only service is C_GenerateRandom,
 * plus the mbedTLS RNG callback over the same CTR_DRBG. See pkcs11_rng.h.
 *
 * Locking: the DRBG, the "initialized" flag and the session table are only
 * touched with the scheduler suspended (vTaskSuspendAll), which serialises
 * FreeRTOS tasks on every port, needs no kernel objects and is valid before
 * the scheduler starts. A DRBG call is short (a few AES blocks); the seeding
 * (first use, then every MBEDTLS_CTR_DRBG_RESEED_INTERVAL requests) also
 * runs the entropy hook, which must therefore not block for long.
 */
#include <stdbool.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include "FreeRTOS.h"
#include "task.h"

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#include "psa/crypto.h"
#endif

#include "demo_entropy.h"
#include "mbedtls_freertos_alloc.h"
#include "pkcs11_rng.h"
#include "shim_log.h"

/* Bytes asked of the entropy hook per poll (mbedTLS's strong threshold). */
#define ENTROPY_THRESHOLD 32

static const unsigned char drbg_personalization[] = "c-shim pkcs11 rng";

/* All guarded by vTaskSuspendAll(). */
static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static bool drbg_seeded;
static bool cryptoki_initialized;
static bool session_open[PKCS11_RNG_MAX_SESSIONS];
static bool user_logged_in; /* PKCS#11 login state: per application */

static void lock(void)
{
	vTaskSuspendAll();
}

static void unlock(void)
{
	(void)xTaskResumeAll();
}

/* Seeds the DRBG unless it already is; 0 or the mbedTLS error (logged). */
static int seed_locked(void)
{
	int rc;

	if (drbg_seeded)
		return 0;
	/* mbedTLS 3's entropy accumulator allocates (an MD context): from the
	 * FreeRTOS heap, also when C_Initialize comes before any TLS connect. */
	MbedtlsFreeRTOS_InstallAllocator();
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);

	rc = mbedtls_entropy_add_source(&entropy, demo_entropy_poll, NULL,
					ENTROPY_THRESHOLD,
					MBEDTLS_ENTROPY_SOURCE_STRONG);
	if (rc != 0) {
		LogError("RNG: cannot register the entropy source (mbedTLS "
			 "error -0x%04x)", (unsigned int)-rc);
		goto fail;
	}

	rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				   drbg_personalization,
				   sizeof(drbg_personalization) - 1);
	if (rc != 0) {
		LogError("RNG: seeding the CTR_DRBG failed (mbedTLS error "
			 "-0x%04x): entropy source broken?", (unsigned int)-rc);
		goto fail;
	}
	drbg_seeded = true;
	return 0;

fail:
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return rc;
}

int Pkcs11Rng_Init(void)
{
	int rc;

	lock();
	rc = seed_locked();
	unlock();
	return rc;
}

static int generate_locked(unsigned char *out, size_t len)
{
	size_t chunk;
	int rc;

	while (len > 0) {
		chunk = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ?
			len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		rc = mbedtls_ctr_drbg_random(&drbg, out, chunk);
		if (rc != 0) {
			LogError("RNG: CTR_DRBG generate failed (mbedTLS "
				 "error -0x%04x)", (unsigned int)-rc);
			return rc;
		}
		out += chunk;
		len -= chunk;
	}
	return 0;
}

/* Fills @out from the DRBG, seeding it first if needed. */
static int generate(unsigned char *out, size_t len)
{
	int rc;

	lock();
	rc = seed_locked();
	if (rc == 0)
		rc = generate_locked(out, len);
	unlock();
	return rc;
}

int Pkcs11Rng_MbedtlsRandom(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	if (!out && len > 0) {
		LogError("RNG: output buffer is NULL");
		return MBEDTLS_ERR_ERROR_GENERIC_ERROR;
	}
	return generate(out, len);
}

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
/*
 * PSA crypto's randomness (mbedTLS 3.x with MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG):
 * the same DRBG, so TLS 1.3 key shares come from the PKCS#11 module too.
 */
psa_status_t mbedtls_psa_external_get_random(
	mbedtls_psa_external_random_context_t *context, uint8_t *output,
	size_t output_size, size_t *output_length)
{
	(void)context;
	if (!output_length || (!output && output_size > 0))
		return PSA_ERROR_INVALID_ARGUMENT;
	*output_length = 0;
	if (generate(output, output_size) != 0)
		return PSA_ERROR_INSUFFICIENT_ENTROPY; /* logged */
	*output_length = output_size;
	return PSA_SUCCESS;
}
#endif

/* ---- PKCS#11 ---------------------------------------------------------- */

_Static_assert(sizeof(CK_ULONG) == sizeof(size_t),
	       "C_GenerateRandom passes CK_ULONG lengths as size_t");

/* Validates C_Initialize's arguments (PKCS#11 2.40, section 5.4). */
static CK_RV check_init_args(const CK_C_INITIALIZE_ARGS *args)
{
	bool all_set, none_set;

	if (!args)
		return CKR_OK;
	if (args->pReserved) {
		LogError("C_Initialize: pReserved must be NULL");
		return CKR_ARGUMENTS_BAD;
	}

	all_set = args->CreateMutex && args->DestroyMutex &&
		  args->LockMutex && args->UnlockMutex;
	none_set = !args->CreateMutex && !args->DestroyMutex &&
		   !args->LockMutex && !args->UnlockMutex;
	if (!all_set && !none_set) {
		LogError("C_Initialize: mutex callbacks must be all set or "
			 "all NULL");
		return CKR_ARGUMENTS_BAD;
	}
	/* We lock with FreeRTOS, never with the caller's callbacks. */
	if (all_set && !(args->flags & CKF_OS_LOCKING_OK)) {
		LogError("C_Initialize: only OS locking is supported "
			 "(set CKF_OS_LOCKING_OK)");
		return CKR_CANT_LOCK;
	}
	return CKR_OK;
}

CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
	CK_RV rv = check_init_args(pInitArgs);
	int rc;

	if (rv != CKR_OK)
		return rv;

	lock();
	if (cryptoki_initialized) {
		unlock();
		LogWarn("C_Initialize: already initialized");
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	}
	rc = seed_locked();
	if (rc == 0) {
		memset(session_open, 0, sizeof(session_open));
		cryptoki_initialized = true;
	}
	unlock();

	return rc == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
}

/*
 * Closes all sessions. The DRBG stays seeded: the TLS transport may be
 * using it and does not depend on the Cryptoki state.
 */
CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
	if (pReserved) {
		LogError("C_Finalize: pReserved must be NULL");
		return CKR_ARGUMENTS_BAD;
	}

	lock();
	if (!cryptoki_initialized) {
		unlock();
		LogError("C_Finalize: not initialized");
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	memset(session_open, 0, sizeof(session_open));
	cryptoki_initialized = false;
	user_logged_in = false;
	unlock();
	return CKR_OK;
}

static bool is_initialized(void)
{
	bool initialized;

	lock();
	initialized = cryptoki_initialized;
	unlock();
	return initialized;
}

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
		    CK_ULONG_PTR pulCount)
{
	CK_RV rv = CKR_OK;

	(void)tokenPresent; /* the token is always present */
	if (!is_initialized()) {
		LogError("C_GetSlotList: not initialized");
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	if (!pulCount) {
		LogError("C_GetSlotList: pulCount is NULL");
		return CKR_ARGUMENTS_BAD;
	}

	if (pSlotList && *pulCount < 1) {
		LogError("C_GetSlotList: room for %lu slots, 1 needed",
			 (unsigned long)*pulCount);
		rv = CKR_BUFFER_TOO_SMALL;
	} else if (pSlotList) {
		pSlotList[0] = PKCS11_RNG_SLOT_ID;
	}
	*pulCount = 1;
	return rv;
}

/* CKR_OK if Cryptoki is initialized and @handle is an open session. */
static CK_RV session_state_locked(CK_SESSION_HANDLE handle)
{
	if (!cryptoki_initialized)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (handle == CK_INVALID_HANDLE || handle > PKCS11_RNG_MAX_SESSIONS ||
	    !session_open[handle - 1])
		return CKR_SESSION_HANDLE_INVALID;
	return CKR_OK;
}

/* Logs what session_state_locked() found wrong; returns @rv. */
static CK_RV report_session_state(CK_RV rv, CK_SESSION_HANDLE handle,
				  const char *caller)
{
	if (rv == CKR_CRYPTOKI_NOT_INITIALIZED)
		LogError("%s: not initialized", caller);
	else if (rv == CKR_SESSION_HANDLE_INVALID)
		LogError("%s: session %lu is not open", caller,
			 (unsigned long)handle);
	return rv;
}

static CK_RV open_session_locked(CK_SESSION_HANDLE_PTR phSession)
{
	CK_ULONG i;

	for (i = 0; i < PKCS11_RNG_MAX_SESSIONS; i++) {
		if (!session_open[i]) {
			session_open[i] = true;
			*phSession = i + 1;
			return CKR_OK;
		}
	}
	return CKR_SESSION_COUNT;
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags,
		    CK_VOID_PTR pApplication, CK_NOTIFY Notify,
		    CK_SESSION_HANDLE_PTR phSession)
{
	CK_RV rv;

	(void)pApplication; /* no callbacks are ever made */
	(void)Notify;
	if (!phSession) {
		LogError("C_OpenSession: phSession is NULL");
		return CKR_ARGUMENTS_BAD;
	}
	if (slotID != PKCS11_RNG_SLOT_ID) {
		LogError("C_OpenSession: no slot %lu (only %lu)",
			 (unsigned long)slotID,
			 (unsigned long)PKCS11_RNG_SLOT_ID);
		return CKR_SLOT_ID_INVALID;
	}
	if (!(flags & CKF_SERIAL_SESSION)) {
		LogError("C_OpenSession: CKF_SERIAL_SESSION not set");
		return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	}

	lock();
	rv = cryptoki_initialized ? open_session_locked(phSession) :
		CKR_CRYPTOKI_NOT_INITIALIZED;
	unlock();

	if (rv == CKR_CRYPTOKI_NOT_INITIALIZED)
		LogError("C_OpenSession: not initialized");
	else if (rv == CKR_SESSION_COUNT)
		LogError("C_OpenSession: all %d sessions are open",
			 PKCS11_RNG_MAX_SESSIONS);
	return rv;
}

static bool any_session_open_locked(void)
{
	size_t i;

	for (i = 0; i < PKCS11_RNG_MAX_SESSIONS; i++) {
		if (session_open[i])
			return true;
	}
	return false;
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
	CK_RV rv;

	lock();
	rv = session_state_locked(hSession);
	if (rv == CKR_OK) {
		session_open[hSession - 1] = false;
		/* The login ends with the application's last session. */
		if (!any_session_open_locked())
			user_logged_in = false;
	}
	unlock();
	return report_session_state(rv, hSession, "C_CloseSession");
}

/*
 * The token needs no login (CKF_LOGIN_REQUIRED is not set: random numbers
 * are public), but C_Login is part of the standard flow: corePKCS11's
 * xInitializePkcs11Session() calls it whenever the function list has it.
 * So a normal user login is accepted with any PIN and tracked, with the
 * standard answers for a second login and a logout without login.
 */
CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
	      CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
	CK_RV rv;

	if (!pPin && ulPinLen > 0) {
		LogError("C_Login: pPin is NULL with a length of %lu",
			 (unsigned long)ulPinLen);
		return CKR_ARGUMENTS_BAD;
	}
	if (userType != CKU_USER) {
		LogError("C_Login: user type %lu: this token has only the "
			 "normal user (CKU_USER)", (unsigned long)userType);
		return CKR_USER_TYPE_INVALID;
	}
	lock();
	rv = session_state_locked(hSession);
	if (rv == CKR_OK && user_logged_in)
		rv = CKR_USER_ALREADY_LOGGED_IN;
	else if (rv == CKR_OK)
		user_logged_in = true;
	unlock();
	if (rv == CKR_USER_ALREADY_LOGGED_IN) {
		LogWarn("C_Login: already logged in");
		return rv;
	}
	return report_session_state(rv, hSession, "C_Login");
}

CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
	CK_RV rv;

	lock();
	rv = session_state_locked(hSession);
	if (rv == CKR_OK && !user_logged_in)
		rv = CKR_USER_NOT_LOGGED_IN;
	else if (rv == CKR_OK)
		user_logged_in = false;
	unlock();
	if (rv == CKR_USER_NOT_LOGGED_IN) {
		LogError("C_Logout: not logged in");
		return rv;
	}
	return report_session_state(rv, hSession, "C_Logout");
}

static CK_RV check_session(CK_SESSION_HANDLE hSession, const char *caller)
{
	CK_RV rv;

	lock();
	rv = session_state_locked(hSession);
	unlock();
	return report_session_state(rv, hSession, caller);
}

CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData,
		       CK_ULONG ulRandomLen)
{
	CK_RV rv = check_session(hSession, "C_GenerateRandom");

	if (rv != CKR_OK)
		return rv;
	if (!RandomData && ulRandomLen > 0) {
		LogError("C_GenerateRandom: RandomData is NULL");
		return CKR_ARGUMENTS_BAD;
	}
	if (generate(RandomData, (size_t)ulRandomLen) != 0)
		return CKR_FUNCTION_FAILED; /* logged by generate() */
	return CKR_OK;
}

static CK_FUNCTION_LIST function_list = {
	.version = { CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR },
	.C_Initialize = C_Initialize,
	.C_Finalize = C_Finalize,
	.C_GetInfo = C_GetInfo,
	.C_GetFunctionList = C_GetFunctionList,
	.C_GetSlotList = C_GetSlotList,
	.C_GetSlotInfo = C_GetSlotInfo,
	.C_GetTokenInfo = C_GetTokenInfo,
	.C_GetMechanismList = C_GetMechanismList,
	.C_GetMechanismInfo = C_GetMechanismInfo,
	.C_InitToken = C_InitToken,
	.C_InitPIN = C_InitPIN,
	.C_SetPIN = C_SetPIN,
	.C_OpenSession = C_OpenSession,
	.C_CloseSession = C_CloseSession,
	.C_CloseAllSessions = C_CloseAllSessions,
	.C_GetSessionInfo = C_GetSessionInfo,
	.C_GetOperationState = C_GetOperationState,
	.C_SetOperationState = C_SetOperationState,
	.C_Login = C_Login,
	.C_Logout = C_Logout,
	.C_CreateObject = C_CreateObject,
	.C_CopyObject = C_CopyObject,
	.C_DestroyObject = C_DestroyObject,
	.C_GetObjectSize = C_GetObjectSize,
	.C_GetAttributeValue = C_GetAttributeValue,
	.C_SetAttributeValue = C_SetAttributeValue,
	.C_FindObjectsInit = C_FindObjectsInit,
	.C_FindObjects = C_FindObjects,
	.C_FindObjectsFinal = C_FindObjectsFinal,
	.C_EncryptInit = C_EncryptInit,
	.C_Encrypt = C_Encrypt,
	.C_EncryptUpdate = C_EncryptUpdate,
	.C_EncryptFinal = C_EncryptFinal,
	.C_DecryptInit = C_DecryptInit,
	.C_Decrypt = C_Decrypt,
	.C_DecryptUpdate = C_DecryptUpdate,
	.C_DecryptFinal = C_DecryptFinal,
	.C_DigestInit = C_DigestInit,
	.C_Digest = C_Digest,
	.C_DigestUpdate = C_DigestUpdate,
	.C_DigestKey = C_DigestKey,
	.C_DigestFinal = C_DigestFinal,
	.C_SignInit = C_SignInit,
	.C_Sign = C_Sign,
	.C_SignUpdate = C_SignUpdate,
	.C_SignFinal = C_SignFinal,
	.C_SignRecoverInit = C_SignRecoverInit,
	.C_SignRecover = C_SignRecover,
	.C_VerifyInit = C_VerifyInit,
	.C_Verify = C_Verify,
	.C_VerifyUpdate = C_VerifyUpdate,
	.C_VerifyFinal = C_VerifyFinal,
	.C_VerifyRecoverInit = C_VerifyRecoverInit,
	.C_VerifyRecover = C_VerifyRecover,
	.C_DigestEncryptUpdate = C_DigestEncryptUpdate,
	.C_DecryptDigestUpdate = C_DecryptDigestUpdate,
	.C_SignEncryptUpdate = C_SignEncryptUpdate,
	.C_DecryptVerifyUpdate = C_DecryptVerifyUpdate,
	.C_GenerateKey = C_GenerateKey,
	.C_GenerateKeyPair = C_GenerateKeyPair,
	.C_WrapKey = C_WrapKey,
	.C_UnwrapKey = C_UnwrapKey,
	.C_DeriveKey = C_DeriveKey,
	.C_SeedRandom = C_SeedRandom,
	.C_GenerateRandom = C_GenerateRandom,
	.C_GetFunctionStatus = C_GetFunctionStatus,
	.C_CancelFunction = C_CancelFunction,
	.C_WaitForSlotEvent = C_WaitForSlotEvent,
};

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	if (!ppFunctionList) {
		LogError("C_GetFunctionList: ppFunctionList is NULL");
		return CKR_ARGUMENTS_BAD;
	}
	*ppFunctionList = &function_list;
	return CKR_OK;
}
