// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * pkcs11_unsupported.c - the PKCS#11 2.40 functions this module does not
 * implement (see pkcs11_rng.h). Each returns CKR_FUNCTION_NOT_SUPPORTED;
 * the prototypes are checked against p11-kit's <p11-kit/pkcs11.h>.
 *
 * Every parameter here is unused by design, so -Wunused-parameter is off
 * for this file only (instead of a (void) cast per parameter).
 */
#include <p11-kit/pkcs11.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

CK_RV C_GetInfo(CK_INFO_PTR info)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotId, CK_SLOT_INFO_PTR info)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotId, CK_TOKEN_INFO_PTR info)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot,
	CK_VOID_PTR reserved)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetMechanismList(CK_SLOT_ID slotId, CK_MECHANISM_TYPE_PTR mechanismList,
	CK_ULONG_PTR count)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slotId, CK_MECHANISM_TYPE type,
	CK_MECHANISM_INFO_PTR info)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_InitToken(CK_SLOT_ID slotId, CK_BYTE_PTR pin, CK_ULONG pinLen,
	CK_BYTE_PTR label)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_InitPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR pin, CK_ULONG pinLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SetPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR oldPin, CK_ULONG oldLen,
	CK_BYTE_PTR newPin, CK_ULONG newLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotId)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE session, CK_SESSION_INFO_PTR info)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetOperationState(CK_SESSION_HANDLE session, CK_BYTE_PTR operationState,
	CK_ULONG_PTR operationStateLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SetOperationState(CK_SESSION_HANDLE session, CK_BYTE_PTR operationState,
	CK_ULONG operationStateLen, CK_OBJECT_HANDLE encryptionKey,
	CK_OBJECT_HANDLE authenticationKey)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CreateObject(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ,
	CK_ULONG count, CK_OBJECT_HANDLE_PTR object)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CopyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count, CK_OBJECT_HANDLE_PTR newObject)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ULONG_PTR size)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ,
	CK_ULONG count)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_FindObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR object,
	CK_ULONG maxObjectCount, CK_ULONG_PTR objectCount)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE session)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_EncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Encrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR encryptedData, CK_ULONG_PTR encryptedDataLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_EncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen, CK_BYTE_PTR encryptedPart,
	CK_ULONG_PTR encryptedPartLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_EncryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR lastEncryptedPart,
	CK_ULONG_PTR lastEncryptedPartLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Decrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR encryptedData,
	CK_ULONG encryptedDataLen, CK_BYTE_PTR data, CK_ULONG_PTR dataLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR encryptedPart,
	CK_ULONG encryptedPartLen, CK_BYTE_PTR part, CK_ULONG_PTR partLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR lastPart,
	CK_ULONG_PTR lastPartLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Digest(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR digest, CK_ULONG_PTR digestLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR digest,
	CK_ULONG_PTR digestLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR signature, CK_ULONG_PTR signatureLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
	CK_ULONG_PTR signatureLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignRecoverInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
	CK_ULONG dataLen, CK_BYTE_PTR signature, CK_ULONG_PTR signatureLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Verify(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR signature, CK_ULONG signatureLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
	CK_ULONG signatureLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
	CK_ULONG signatureLen, CK_BYTE_PTR data, CK_ULONG_PTR dataLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen, CK_BYTE_PTR encryptedPart,
	CK_ULONG_PTR encryptedPartLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE session,
	CK_BYTE_PTR encryptedPart, CK_ULONG encryptedPartLen, CK_BYTE_PTR part,
	CK_ULONG_PTR partLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen, CK_BYTE_PTR encryptedPart,
	CK_ULONG_PTR encryptedPartLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE session,
	CK_BYTE_PTR encryptedPart, CK_ULONG encryptedPartLen, CK_BYTE_PTR part,
	CK_ULONG_PTR partLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GenerateKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count, CK_OBJECT_HANDLE_PTR key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_ATTRIBUTE_PTR publicKeyTemplate, CK_ULONG publicKeyAttributeCount,
	CK_ATTRIBUTE_PTR privateKeyTemplate, CK_ULONG privateKeyAttributeCount,
	CK_OBJECT_HANDLE_PTR publicKey, CK_OBJECT_HANDLE_PTR privateKey)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_WrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE wrappingKey, CK_OBJECT_HANDLE key,
	CK_BYTE_PTR wrappedKey, CK_ULONG_PTR wrappedKeyLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE unwrappingKey, CK_BYTE_PTR wrappedKey,
	CK_ULONG wrappedKeyLen, CK_ATTRIBUTE_PTR templ, CK_ULONG attributeCount,
	CK_OBJECT_HANDLE_PTR key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DeriveKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE baseKey, CK_ATTRIBUTE_PTR templ,
	CK_ULONG attributeCount, CK_OBJECT_HANDLE_PTR key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed,
	CK_ULONG seedLen)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE session)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CancelFunction(CK_SESSION_HANDLE session)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
