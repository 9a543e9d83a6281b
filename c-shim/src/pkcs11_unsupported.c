// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * pkcs11_unsupported.c - the PKCS#11 2.40 functions this module does not
 * implement (see pkcs11_rng.h). Each returns CKR_FUNCTION_NOT_SUPPORTED;
 * the prototypes are checked against p11-kit's <p11-kit/pkcs11.h>.
 */
#include <p11-kit/pkcs11.h>

CK_RV C_GetInfo(CK_INFO_PTR info)
{
	(void)info;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotId, CK_SLOT_INFO_PTR info)
{
	(void)slotId;
	(void)info;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotId, CK_TOKEN_INFO_PTR info)
{
	(void)slotId;
	(void)info;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot,
	CK_VOID_PTR reserved)
{
	(void)flags;
	(void)slot;
	(void)reserved;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetMechanismList(CK_SLOT_ID slotId, CK_MECHANISM_TYPE_PTR mechanismList,
	CK_ULONG_PTR count)
{
	(void)slotId;
	(void)mechanismList;
	(void)count;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slotId, CK_MECHANISM_TYPE type,
	CK_MECHANISM_INFO_PTR info)
{
	(void)slotId;
	(void)type;
	(void)info;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_InitToken(CK_SLOT_ID slotId, CK_BYTE_PTR pin, CK_ULONG pinLen,
	CK_BYTE_PTR label)
{
	(void)slotId;
	(void)pin;
	(void)pinLen;
	(void)label;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_InitPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR pin, CK_ULONG pinLen)
{
	(void)session;
	(void)pin;
	(void)pinLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SetPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR oldPin, CK_ULONG oldLen,
	CK_BYTE_PTR newPin, CK_ULONG newLen)
{
	(void)session;
	(void)oldPin;
	(void)oldLen;
	(void)newPin;
	(void)newLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotId)
{
	(void)slotId;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE session, CK_SESSION_INFO_PTR info)
{
	(void)session;
	(void)info;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetOperationState(CK_SESSION_HANDLE session, CK_BYTE_PTR operationState,
	CK_ULONG_PTR operationStateLen)
{
	(void)session;
	(void)operationState;
	(void)operationStateLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SetOperationState(CK_SESSION_HANDLE session, CK_BYTE_PTR operationState,
	CK_ULONG operationStateLen, CK_OBJECT_HANDLE encryptionKey,
	CK_OBJECT_HANDLE authentiationKey)
{
	(void)session;
	(void)operationState;
	(void)operationStateLen;
	(void)encryptionKey;
	(void)authentiationKey;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Login(CK_SESSION_HANDLE session, CK_USER_TYPE userType, CK_BYTE_PTR pin,
	CK_ULONG pinLen)
{
	(void)session;
	(void)userType;
	(void)pin;
	(void)pinLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Logout(CK_SESSION_HANDLE session)
{
	(void)session;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CreateObject(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ,
	CK_ULONG count, CK_OBJECT_HANDLE_PTR object)
{
	(void)session;
	(void)templ;
	(void)count;
	(void)object;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CopyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count, CK_OBJECT_HANDLE_PTR newObject)
{
	(void)session;
	(void)object;
	(void)templ;
	(void)count;
	(void)newObject;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
{
	(void)session;
	(void)object;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ULONG_PTR size)
{
	(void)session;
	(void)object;
	(void)size;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count)
{
	(void)session;
	(void)object;
	(void)templ;
	(void)count;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count)
{
	(void)session;
	(void)object;
	(void)templ;
	(void)count;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ,
	CK_ULONG count)
{
	(void)session;
	(void)templ;
	(void)count;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_FindObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR object,
	CK_ULONG maxObjectCount, CK_ULONG_PTR objectCount)
{
	(void)session;
	(void)object;
	(void)maxObjectCount;
	(void)objectCount;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE session)
{
	(void)session;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_EncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)mechanism;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Encrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR encryptedData, CK_ULONG_PTR encryptedDataLen)
{
	(void)session;
	(void)data;
	(void)dataLen;
	(void)encryptedData;
	(void)encryptedDataLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_EncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen, CK_BYTE_PTR encryptedPart,
	CK_ULONG_PTR encryptedPartLen)
{
	(void)session;
	(void)part;
	(void)partLen;
	(void)encryptedPart;
	(void)encryptedPartLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_EncryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR lastEncryptedPart,
	CK_ULONG_PTR lastEncryptedPartLen)
{
	(void)session;
	(void)lastEncryptedPart;
	(void)lastEncryptedPartLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)mechanism;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Decrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR encryptedData,
	CK_ULONG encryptedDataLen, CK_BYTE_PTR data, CK_ULONG_PTR dataLen)
{
	(void)session;
	(void)encryptedData;
	(void)encryptedDataLen;
	(void)data;
	(void)dataLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR encryptedPart,
	CK_ULONG encryptedPartLen, CK_BYTE_PTR part, CK_ULONG_PTR partLen)
{
	(void)session;
	(void)encryptedPart;
	(void)encryptedPartLen;
	(void)part;
	(void)partLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR lastPart,
	CK_ULONG_PTR lastPartLen)
{
	(void)session;
	(void)lastPart;
	(void)lastPartLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism)
{
	(void)session;
	(void)mechanism;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Digest(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR digest, CK_ULONG_PTR digestLen)
{
	(void)session;
	(void)data;
	(void)dataLen;
	(void)digest;
	(void)digestLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen)
{
	(void)session;
	(void)part;
	(void)partLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR digest,
	CK_ULONG_PTR digestLen)
{
	(void)session;
	(void)digest;
	(void)digestLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)mechanism;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR signature, CK_ULONG_PTR signatureLen)
{
	(void)session;
	(void)data;
	(void)dataLen;
	(void)signature;
	(void)signatureLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen)
{
	(void)session;
	(void)part;
	(void)partLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
	CK_ULONG_PTR signatureLen)
{
	(void)session;
	(void)signature;
	(void)signatureLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignRecoverInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)mechanism;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
	CK_ULONG dataLen, CK_BYTE_PTR signature, CK_ULONG_PTR signatureLen)
{
	(void)session;
	(void)data;
	(void)dataLen;
	(void)signature;
	(void)signatureLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)mechanism;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_Verify(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG dataLen,
	CK_BYTE_PTR signature, CK_ULONG signatureLen)
{
	(void)session;
	(void)data;
	(void)dataLen;
	(void)signature;
	(void)signatureLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen)
{
	(void)session;
	(void)part;
	(void)partLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
	CK_ULONG signatureLen)
{
	(void)session;
	(void)signature;
	(void)signatureLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE key)
{
	(void)session;
	(void)mechanism;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_VerifyRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
	CK_ULONG signatureLen, CK_BYTE_PTR data, CK_ULONG_PTR dataLen)
{
	(void)session;
	(void)signature;
	(void)signatureLen;
	(void)data;
	(void)dataLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen, CK_BYTE_PTR encryptedPart,
	CK_ULONG_PTR encryptedPartLen)
{
	(void)session;
	(void)part;
	(void)partLen;
	(void)encryptedPart;
	(void)encryptedPartLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE session,
	CK_BYTE_PTR encryptedPart, CK_ULONG encryptedPartLen, CK_BYTE_PTR part,
	CK_ULONG_PTR partLen)
{
	(void)session;
	(void)encryptedPart;
	(void)encryptedPartLen;
	(void)part;
	(void)partLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
	CK_ULONG partLen, CK_BYTE_PTR encryptedPart,
	CK_ULONG_PTR encryptedPartLen)
{
	(void)session;
	(void)part;
	(void)partLen;
	(void)encryptedPart;
	(void)encryptedPartLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE session,
	CK_BYTE_PTR encryptedPart, CK_ULONG encryptedPartLen, CK_BYTE_PTR part,
	CK_ULONG_PTR partLen)
{
	(void)session;
	(void)encryptedPart;
	(void)encryptedPartLen;
	(void)part;
	(void)partLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GenerateKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_ATTRIBUTE_PTR templ, CK_ULONG count, CK_OBJECT_HANDLE_PTR key)
{
	(void)session;
	(void)mechanism;
	(void)templ;
	(void)count;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_ATTRIBUTE_PTR publicKeyTemplate, CK_ULONG publicKeyAttributeCount,
	CK_ATTRIBUTE_PTR privateKeyTemplate, CK_ULONG privateKeyAttributeCount,
	CK_OBJECT_HANDLE_PTR publicKey, CK_OBJECT_HANDLE_PTR privateKey)
{
	(void)session;
	(void)mechanism;
	(void)publicKeyTemplate;
	(void)publicKeyAttributeCount;
	(void)privateKeyTemplate;
	(void)privateKeyAttributeCount;
	(void)publicKey;
	(void)privateKey;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_WrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE wrappingKey, CK_OBJECT_HANDLE key,
	CK_BYTE_PTR wrappedKey, CK_ULONG_PTR wrappedKeyLen)
{
	(void)session;
	(void)mechanism;
	(void)wrappingKey;
	(void)key;
	(void)wrappedKey;
	(void)wrappedKeyLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE unwrappingKey, CK_BYTE_PTR wrappedKey,
	CK_ULONG wrappedKeyLen, CK_ATTRIBUTE_PTR templ, CK_ULONG attributeCount,
	CK_OBJECT_HANDLE_PTR key)
{
	(void)session;
	(void)mechanism;
	(void)unwrappingKey;
	(void)wrappedKey;
	(void)wrappedKeyLen;
	(void)templ;
	(void)attributeCount;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_DeriveKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
	CK_OBJECT_HANDLE baseKey, CK_ATTRIBUTE_PTR templ,
	CK_ULONG attributeCount, CK_OBJECT_HANDLE_PTR key)
{
	(void)session;
	(void)mechanism;
	(void)baseKey;
	(void)templ;
	(void)attributeCount;
	(void)key;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_SeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed,
	CK_ULONG seedLen)
{
	(void)session;
	(void)seed;
	(void)seedLen;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE session)
{
	(void)session;
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_CancelFunction(CK_SESSION_HANDLE session)
{
	(void)session;
	return CKR_FUNCTION_NOT_SUPPORTED;
}
